using System;
using System.Collections.Generic;
using System.Management.Automation;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Puts back what a journaled run changed (-JournalPath of Set-/Remove-ImUserAttribute, the tag cmdlets,
/// Set-ImAppAttributeName, or an Undo-ImRun): per attribute name, per tag added or removed, the exact tag set of a
/// tag -Replace or Clear, and the app's attribute names.
/// </summary>
/// <remarks>
/// For each user and name the run may have changed (done, of unknown outcome, or sent with no outcome written), the
/// user is read now: if it holds what the run intended, what it held before is restored; if it holds that already
/// (the write never landed), nothing is done; anything else is a conflict, left untouched and reported as an
/// ImUndoConflict error (user, name, what the run intended, what is there now), unless -OverwriteConflict. Items that
/// failed, were not sent or were declined changed nothing and are skipped (unless an earlier attempt was of unknown outcome: then
/// they are read and decided too). On the Push family an empty prior tag set
/// is restored with clear_all_tags; app attribute names whose account type changed since are refused. The journal
/// must be of the connection's app, endpoint and family (JournalOtherApp otherwise, before anything is sent), and no
/// other process may hold it (JournalInUse: a run still writing it). Users of unknown outcome are read only once
/// -SettleSec has passed since the journal was last written (a call the run gave up on may land until then). The
/// summary counts the steps restored, unchanged, in conflict and failed. With -JournalPath the undo journals its own
/// writes, so that it can be undone in turn.
///
/// The whole journal is checked first, before the question and before anything is sent: an invalid line
/// (JournalInvalid) or another run's header of another app (JournalOtherApp) is one error naming the file and the
/// line, wherever it stands. Then the journal is undone backwards, latest record first, as a database rolls back its
/// log: a user that appears several times gets back, for each name and tag, the first prior the journal has for it.
/// Batches of 100 users go several at a time (up to the connection's ThrottleLimit), reads and restores side by
/// side, at the speed of the quota; a batch with a user still in flight waits until that user's batch has finished.
/// Memory stays flat: the batches in flight, never the journal's users. Steps, conflicts and errors come out in the
/// journal's reverse order. Under -WhatIf an earlier record of a user is planned against what its later record's
/// restore would leave (for the last 10,000 users planned). A connection-level error or Ctrl+C stops the undo at
/// once: nothing more is sent.
/// </remarks>
/// <example>
/// See what an undo would do, then do it
/// <code>
/// Import-Csv users.csv | Set-ImUserAttribute -JournalPath import.jsonl
/// Undo-ImRun -Path import.jsonl -WhatIf | Format-Table
/// Undo-ImRun -Path import.jsonl -Force -JournalPath import-undo.jsonl -InformationAction Continue
/// </code>
/// After the run, the second line reads every user it changed and writes one step per name: Restore, Unchanged or
/// Conflict, with what the run intended, what is there now and what was there before; nothing is written. The third
/// restores, without asking, journaling the undo in import-undo.jsonl, and shows the summary.
/// </example>
/// <example>
/// Undo a sync, then change your mind: undo the undo
/// <code>
/// Import-Csv hr.csv | Set-ImUserAttribute -Replace -JournalPath sync.jsonl
/// Undo-ImRun sync.jsonl -JournalPath undo.jsonl
/// Undo-ImRun undo.jsonl
/// </code>
/// Each undo asks once (ConfirmImpact High), then restores every user that still holds what the run wrote; a user
/// changed since would be an ImUndoConflict error, left as it is. The undo journaled in undo.jsonl is itself undone by
/// the last line, which puts the sync's result back.
/// </example>
[Cmdlet(VerbsCommon.Undo, "ImRun", HelpUri = HelpLinks.CmdletPages + "Undo-ImRun.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RunUndoStep))]
public sealed class UndoImRunCommand : ImCmdlet
{
    private static readonly string[] SummaryTags = { "TencentImAttr", "Summary" };

    // The error that ended the undo early, for its summary (Get-ImLastRun).
    private Exception? _failure;

    #region Parameters

    /// <summary>The journal of the run to undo.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Restores without asking for confirmation. -WhatIf still wins.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Restores the prior value also where the user holds something else than the run intended (changed since the run); otherwise such a name is an ImUndoConflict error and left alone.</summary>
    [Parameter]
    public SwitchParameter OverwriteConflict { get; set; }

    /// <summary>Journals the undo itself to this file (or to a new file named for the command and the time, in this folder), so that the undo can be undone. See docs/journal.md.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>Seconds after the journal was last written before users of unknown outcome (Unknown, Unrecorded, PartlyApplied) are read: a call the run gave up on may still land until then. Waited only when the journal is younger than that (an undo run later waits not). 0 to 3600, default 10.</summary>
    [Parameter]
    [ValidateRange(0, Core.Bulk.VerifyOptions.MaxSettleSeconds)]
    [PSDefaultValue(Value = Core.Bulk.VerifyOptions.DefaultSettleSeconds)]
    public int SettleSec { get; set; } = Core.Bulk.VerifyOptions.DefaultSettleSeconds;

    #endregion

    #region Overrides

    /// <summary>Checks the whole journal, asks once, and undoes it backwards, several batches in flight.</summary>
    protected override void EndProcessing()
    {
        var connection = ResolveConnection();
        var path = RunJournals.ExistingJournal(this, Path, nameof(Path));
        DateTimeOffset lastWritten;
        try
        {
            JournalFile.RefuseInUse(path, "Undo-ImRun");
            lastWritten = System.IO.File.GetLastWriteTimeUtc(path);
        }
        catch (ImInputException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.ResourceBusy, path));
            throw;
        }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.JournalInvalid, ErrorCategory.ReadError, path));
            throw;
        }
        var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var given)
            ? given is SwitchParameter { IsPresent: true }
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        // The whole journal is checked before the question and before anything is sent: an edited line or another
        // run's header is one error, wherever it stands.
        Guard(path, () => RunUndo.CheckJournal(path, connection, line => WriteWarning($"The journal '{path}' ends with a torn line {line}; it was skipped."), StopToken));
        if (!whatIf && !Confirmation.ShouldContinue(this, Force, $"app {connection.SdkAppId}", $"Undo the run journaled in '{path}': restore what it changed"))
        {
            return;
        }
        using var journal = whatIf || JournalPath is null ? null : RunJournals.Open(this, connection, JournalPath);
        var undo = new RunUndo(connection, OverwriteConflict, journal, lastWritten, TimeSpan.FromSeconds(SettleSec));
        var scheduler = new UndoScheduler(undo, apply: !whatIf, connection.ThrottleLimit);
        var sink = new Sink(this, whatIf);
        // Taken now, on the pipeline thread: the runspace is a thread's.
        var scope = RunspaceScope.Current;
        using (var log = new QueuedCallLog(QuietWrites.TraceWanted(this)))
        {
            sink.Log = log;
            var ended = false;
            try
            {
                Guard(path, () => scheduler.Run(JournalBackwardReader.Read(path), log, sink, StopToken));
                ended = true;
            }
            finally
            {
                // Stopped (Ctrl+C) or failed: what the finished batches did is still the session's last run.
                if (!ended) LastRun.Record(scope, Summary(sink.Counts, whatIf, stopped: true));
                QuietWrites.WriteAll(this, log);
            }
        }
        WriteSummary(sink.Counts, whatIf, scope);
    }

    #endregion

    /// <summary>Runs <paramref name="action"/>, turning a bad journal, a failed call or an unreadable file into one terminating error, and Ctrl+C into a stopped pipeline.</summary>
    private void Guard(string path, Action action)
    {
        try
        {
            action();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (ImInputException e)
        {
            _failure = e;
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidData, path));
        }
        catch (ImApiException e)
        {
            _failure = e;
            ThrowTerminatingError(ErrorRecords.Of(e, e.ErrorId, (ErrorCategory)(int)e.Category, path));
        }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
        {
            _failure = e;
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.JournalInvalid, ErrorCategory.ReadError, path));
        }
    }

    /// <summary>Takes the undo's finished batches on the pipeline thread: steps (-WhatIf) or conflicts, failures, and the log's lines.</summary>
    private sealed class Sink : IUndoSink
    {
        private readonly UndoImRunCommand _cmdlet;
        private readonly bool _whatIf;

        public Sink(UndoImRunCommand cmdlet, bool whatIf)
        {
            _cmdlet = cmdlet;
            _whatIf = whatIf;
        }

        public QueuedCallLog? Log { get; set; }

        public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

        public void OnBatch(UndoBatch batch) => _cmdlet.Report(batch.Steps, batch.Failures, _whatIf, Counts);

        public void OnLog()
        {
            if (Log is not null) QuietWrites.WriteAll(_cmdlet, Log);
        }
    }

    private void Report(IEnumerable<RunUndoStep> steps, IEnumerable<Core.Bulk.ItemFailure> failures, bool whatIf, Dictionary<string, long> counts)
    {
        foreach (var step in steps)
        {
            var key = step.Action is UndoActions.Overwrite ? UndoActions.Restore : step.Action;
            counts[key] = (counts.TryGetValue(key, out var n) ? n : 0) + 1;
            if (whatIf)
            {
                WriteObject(step);
            }
            else if (step.Action is UndoActions.Conflict or UndoActions.Refused)
            {
                WriteError(new ErrorRecord(new InvalidOperationException(ConflictText(step)), ErrorIds.UndoConflict, ErrorCategory.ResourceUnavailable, step.UserId) { ErrorDetails = null });
            }
        }
        foreach (var failure in failures)
        {
            counts["Failed"] = (counts.TryGetValue("Failed", out var n) ? n : 0) + 1;
            WriteError(ToErrorRecord(failure));
        }
    }

    private static string ConflictText(RunUndoStep step)
    {
        string Shown(string? value) => value is null ? "absent" : step.Kind == "TagSet" && value.Length == 0 ? "no tags" : "'" + Core.Text.MessageText.Quote(value) + "'";
        var what = step.Kind switch
        {
            "Attribute" => $"User '{Core.Text.MessageText.Quote(step.UserId)}', attribute '{Core.Text.MessageText.Quote(step.Name)}'",
            "Tag" => $"User '{Core.Text.MessageText.Quote(step.UserId)}', tag '{Core.Text.MessageText.Quote(step.Name)}'",
            "TagSet" => $"User '{Core.Text.MessageText.Quote(step.UserId)}', tag set",
            _ => "The app's attribute names",
        };
        return step.Action == UndoActions.Refused
            ? $"{what}: not restored: an account type changed since the run (Tencent does not let it change back), or the app held no names before."
            : $"{what}: the run intended {Shown(step.Intended)}, and it is now {Shown(step.Now)}: changed since the run, so left as it is (-OverwriteConflict restores {Shown(step.Prior)}).";
    }

    /// <summary>The undo's summary from the steps counted so far; <paramref name="stopped"/> when it ended early (with the error that ended it, if any).</summary>
    private RunUndoSummary Summary(Dictionary<string, long> counts, bool whatIf, bool stopped)
    {
        long Count(string key) => counts.TryGetValue(key, out var n) ? n : 0;
        return new RunUndoSummary(Count(UndoActions.Restore), Count(UndoActions.Unchanged), Count(UndoActions.Conflict) + Count(UndoActions.Refused), Count("Failed"), whatIf)
        {
            Stopped = stopped,
            StopError = stopped ? _failure : null,
        };
    }

    /// <summary>Writes the summary of an undo that ran to its end, kept first as the session's last run (Get-ImLastRun).</summary>
    private void WriteSummary(Dictionary<string, long> counts, bool whatIf, object scope)
    {
        var summary = Summary(counts, whatIf, stopped: false);
        LastRun.Record(scope, summary);
        var record = new InformationRecord(summary, MyInvocation.MyCommand.Name);
        record.Tags.AddRange(SummaryTags);
        WriteInformation(record);
    }
}
