using System;
using System.Collections.Generic;
using System.Management.Automation;
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

    /// <summary>Writes the run's summary on the Information stream, once; <paramref name="stopped"/> when the command ends early.</summary>
    void WriteSummary(bool stopped);
}

/// <summary>
/// One run of a bulk cmdlet: a <see cref="BatchEngine{TItem,TResult}"/> over the cmdlet's operation, fed with the
/// items its reader makes, writing what the engine hands back on the pipeline thread.
/// </summary>
internal sealed class BulkRun<TItem, TResult> : IBulkRun, IEngineSink<TResult>
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
    private readonly BatchEngine<TItem, TResult> _engine;
    private readonly IJournalInput<TItem>? _journal;
    private bool _summaryWritten;

    /// <param name="cmdlet">Where outcomes are written.</param>
    /// <param name="operation">The operation over the connection.</param>
    /// <param name="options">Engine tuning (ThrottleLimit).</param>
    /// <param name="read">How a record becomes a checked item.</param>
    /// <param name="approve">Whether a batch about to be sent may go (one ShouldProcess per call); null sends all.</param>
    /// <param name="writeResults">Whether results are written (Get always; Set and Remove with -PassThru).</param>
    /// <param name="present">What is written for a result, when not the result itself (Get -AsRow; a sync's drift); null writes nothing for it.</param>
    public BulkRun(ImCmdlet cmdlet, IBatchOperation<TItem, TResult> operation, EngineOptions options, Func<PipelineRecord, ItemOutcome<TItem>> read, Func<IReadOnlyList<TItem>, bool>? approve, bool writeResults, Func<TResult, object?>? present = null)
    {
        _present = present;
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
        else
        {
            _engine.Add(item.Result!);
        }
    }

    public void Complete() => _engine.Complete();

    public void Expect(long users) => _engine.Expect(users);

    public void WriteSummary(bool stopped)
    {
        if (_summaryWritten) return;
        _summaryWritten = true;
        var name = _cmdlet.MyInvocation.MyCommand.Name;
        var summary = _engine.Summary(name, stopped);
        summary.Skipped = _journal?.Skipped;
        var record = new InformationRecord(summary, name);
        record.Tags.AddRange(SummaryTags);
        _cmdlet.WriteInformation(record);
    }

    public void Dispose() => _engine.Dispose();

    void IEngineSink<TResult>.OnResult(TResult result)
    {
        if (!_writeResults) return;
        var shown = _present is null ? result : _present(result);
        if (shown is not null) _cmdlet.WriteObject(shown);
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

    void IEngineSink<TResult>.OnVerbose(string line) => _cmdlet.WriteVerbose(line);

    void IEngineSink<TResult>.OnProgress(ProgressReport report) =>
        _cmdlet.WriteProgress(new ProgressRecord(1, _cmdlet.MyInvocation.MyCommand.Name, report.StatusLine)
        {
            RecordType = report.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            PercentComplete = report.PercentComplete,
            SecondsRemaining = report.SecondsRemaining,
        });
}
