using System;
using System.Collections.Generic;
using System.Management.Automation;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Journal;

namespace TencentImAttr;

/// <summary>A bulk cmdlet's run, as its base class drives it.</summary>
internal interface IBulkRun : IDisposable
{
    /// <summary>Reads a record into an item and queues it (or its rejection).</summary>
    void Submit(PipelineRecord record);

    /// <summary>Sends what is gathered and writes every remaining outcome.</summary>
    void Complete();

    /// <summary>Tells the run how many more users the input holds (an array), for a percentage in its progress.</summary>
    void Expect(long users);

    /// <summary>
    /// Writes the run's summary on the Information stream, once, keeping it first for Get-ImLastRun;
    /// <paramref name="stopped"/> when the command ends early, <paramref name="stopError"/> the error that stopped it.
    /// </summary>
    void WriteSummary(bool stopped, Core.Errors.ImRunStoppedException? stopError = null);

    /// <summary>Keeps a stopped summary for Get-ImLastRun when none was written (the command was stopped where no write was possible).</summary>
    void KeepIfUnfinished();

    /// <summary>
    /// After Ctrl+C: counts every user the run still held (its cancelled calls' users not sent or of unknown outcome),
    /// and gives the stop's error for the summary; null when they were counted already.
    /// </summary>
    Core.Errors.ImRunStoppedException? Interrupted();
}

/// <summary>
/// One run of a bulk cmdlet: a <see cref="BatchEngine{TItem,TResult}"/> over the cmdlet's operation, fed with the
/// items its reader makes, writing what the engine hands back on the pipeline thread.
/// </summary>
internal sealed class BulkRun<TItem, TResult> : IBulkRun, IEngineSink<TResult>, IWireTraceSink
    where TItem : class
    where TResult : class
{
    /// <summary>The summary's tags, for Where-Object { $_.Tags -contains 'Summary' } and runbook log filters.</summary>
    private static readonly string[] SummaryTags = { "TencentImAttr", "Summary" };

    private readonly ImCmdlet _cmdlet;
    private readonly Func<PipelineRecord, ItemOutcome<TItem>> _read;
    private readonly bool _writeResults;
    private readonly bool _stopOnError;
    private readonly Func<TResult, object?>? _present;
    private readonly Func<TItem, ICallLog, ItemFailure?>? _stopCheck;
    private readonly BatchEngine<TItem, TResult> _engine;
    private readonly object _scope;
    private readonly string _name;
    private readonly IJournalInput<TItem>? _journal;
    private bool _summaryWritten;

    /// <param name="cmdlet">Where outcomes are written.</param>
    /// <param name="operation">The operation over the connection.</param>
    /// <param name="options">Engine tuning (ThrottleLimit).</param>
    /// <param name="read">How a record becomes a checked item.</param>
    /// <param name="approve">Whether a batch about to be sent may go (one ShouldProcess per call); null sends all.</param>
    /// <param name="writeResults">Whether results are written (Get always; Set and Remove with -PassThru).</param>
    /// <param name="present">What is written for a result, when not the result itself (Get -AsRow; a sync's drift); null writes nothing for it.</param>
    /// <param name="stopCheck">
    /// Asked of each valid item before it is queued (the input's attribute names against the app's): a failure stops
    /// the run there, before the item's call, with one error that accounts for what was sent before. Null checks nothing.
    /// </param>
    public BulkRun(ImCmdlet cmdlet, IBatchOperation<TItem, TResult> operation, EngineOptions options, Func<PipelineRecord, ItemOutcome<TItem>> read, Func<IReadOnlyList<TItem>, bool>? approve, bool writeResults, Func<TResult, object?>? present = null,
        Func<TItem, ICallLog, ItemFailure?>? stopCheck = null)
    {
        _stopCheck = stopCheck;
        _present = present;
        // Taken now, on the pipeline thread: the runspace is a thread's, and a stopped run is kept from Dispose.
        _scope = RunspaceScope.Current;
        _name = cmdlet.MyInvocation.MyCommand.Name;
        _cmdlet = cmdlet;
        _read = read;
        _writeResults = writeResults;
        _stopOnError = cmdlet.ErrorsStop();
        // A journaled run (-JournalPath) is told each record read (its input position) and each batch declined.
        _journal = operation as IJournalInput<TItem>;
        if (_journal is { } journal && approve is { } ask)
        {
            approve = batch =>
            {
                var go = ask(batch);
                if (!go) journal.Declined(batch);
                return go;
            };
        }
        _engine = new BatchEngine<TItem, TResult>(operation, options, this, cancellationToken: cmdlet.StopToken, approve: approve);
    }

    /// <summary>A rejected item is reported in its place in the output order; a valid one goes into a batch, sent once approved.</summary>
    public void Submit(PipelineRecord record)
    {
        var item = _read(record);
        // -Resume: an item the journal records as done is skipped (counted in the summary).
        if (_journal is not null && !_journal.Received(item)) return;
        if (item.Failure is not null)
        {
            _engine.AddFailure(item.Failure);
        }
        else if (_stopCheck?.Invoke(item.Result!, _engine.Log) is { } stop)
        {
            throw _engine.StopBefore(stop);
        }
        else
        {
            _engine.Add(item.Result!);
        }
    }

    public void Complete() => _engine.Complete();

    public void Expect(long users) => _engine.Expect(users);

    public void WriteSummary(bool stopped, Core.Errors.ImRunStoppedException? stopError = null)
    {
        if (_summaryWritten) return;
        _summaryWritten = true;
        var summary = Keep(stopped, stopError);
        var record = new InformationRecord(summary, summary.Operation);
        record.Tags.AddRange(SummaryTags);
        _cmdlet.WriteInformation(record);
        if (summary.UnknownAttempts > 0)
        {
            _cmdlet.WriteWarning(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                "{0:N0} user(s) had a write attempt of unknown outcome (a timeout, or a connection cut after the request went out) and were not read back: the service may still run that call late, over what they hold now. Check them with -Verify (run the same input again with -Verify, which reads each user back after its write).",
                summary.UnknownAttempts));
        }
    }

    public void KeepIfUnfinished()
    {
        if (_summaryWritten) return;
        _summaryWritten = true;
        // Ctrl+C while another command of the pipeline ran: the users held are counted all the same.
        Keep(stopped: true, stopError: _cmdlet.StopToken.IsCancellationRequested ? Interrupted() : null);
    }

    public Core.Errors.ImRunStoppedException? Interrupted() => _engine.Interrupted();

    private Models.BulkRunSummary Keep(bool stopped, Core.Errors.ImRunStoppedException? stopError)
    {
        var summary = _engine.Summary(_name, stopped);
        summary.StopError = stopError;
        summary.Skipped = _journal?.Skipped;
        summary.WhatIf = _cmdlet is ImBulkCmdlet { WhatIfRun: true };
        // A read of unknown outcome changes nothing: only writes can land late.
        if (_cmdlet is not ImWriteCmdlet) summary.UnknownAttempts = 0;
        LastRun.Record(_scope, summary);
        return summary;
    }

    public void Dispose() => _engine.Dispose();

    void IEngineSink<TResult>.OnResult(TResult result)
    {
        if (result is Models.UserTags tags && _cmdlet is ImBulkCmdlet bulk) SeenTags.Note(bulk.ActiveConnection, tags.Tags);
        if (!_writeResults) return;
        var shown = _present is null ? result : _present(result);
        if (shown is null) return;
        try
        {
            _cmdlet.WriteObject(shown);
        }
        catch (PipelineStoppedException e) when (!_cmdlet.StopToken.IsCancellationRequested)
        {
            // A downstream Select-Object -First (StopUpstreamCommandsException), not Ctrl+C: the engine winds the
            // run down (the calls in flight finish, every user held is counted) before the stop goes on up.
            throw new DownstreamStopException(e);
        }
    }

    void IEngineSink<TResult>.OnFailure(ItemFailure failure)
    {
        // Under -ErrorAction Stop the error is not written: PowerShell would report it in place of the terminating
        // error that the engine raises, which accounts for every user the command holds.
        if (_stopOnError) throw new StopRequestedException(failure.Exception);
        try
        {
            _cmdlet.WriteError(ImCmdlet.ToErrorRecord(failure));
        }
        catch (ActionPreferenceStopException e)
        {
            // -ErrorAction Stop: the engine stops the run and accounts for the users it holds.
            throw new StopRequestedException(e);
        }
    }

    void IEngineSink<TResult>.OnVerbose(string line) => QuietWrites.Verbose(_cmdlet, line);

    void IWireTraceSink.OnDebug(string line) => QuietWrites.Debug(_cmdlet, line);

    void IEngineSink<TResult>.OnProgress(ProgressReport report) =>
        _cmdlet.WriteProgress(new ProgressRecord(1, _cmdlet.MyInvocation.MyCommand.Name, report.StatusLine)
        {
            RecordType = report.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            PercentComplete = report.PercentComplete,
            SecondsRemaining = report.SecondsRemaining,
        });
}
