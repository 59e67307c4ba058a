using System.Management.Automation;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;

namespace TencentImAttr;

/// <summary>
/// The bulk cmdlets that write (Set- and Remove-ImUserAttribute, Add-, Remove- and Clear-ImUserTag): what
/// <see cref="ImBulkCmdlet"/> has, and -Verify with its settle delay. A cmdlet passes <see cref="Verification"/> to
/// its operation (<c>BulkOperations.Set(connection, maxRetry, Verification)</c>); the core does the rest.
/// </summary>
public abstract class ImWriteCmdlet : ImBulkCmdlet
{
    #region Parameters

    /// <summary>
    /// After each user's write succeeded, reads the user back (with the read API, which has its own quota, so the
    /// reads run alongside the writes) and compares it with what was written. A user that differs is sent once more
    /// and read again; one that still differs is reported as an error, ImVerifyMismatch, showing the expected and the
    /// found values. A user whose write had an attempt of unknown outcome (a timeout or a connection cut after the
    /// request went out) is read back only after -VerifySettleSec, so that the abandoned call, if it lands late, is
    /// caught and corrected; a later write of that user in the same command waits for that delay too. Users whose
    /// writes were answered are read back at once. Costs one read call per call of up to 100 users written. The
    /// summary counts the users verified and those that differed. With Set-ImUserAttribute -Replace, only the users
    /// the sync wrote are read back (one found equal needs none), compared with exactly the attributes given, and a
    /// user that differs gets the sync once more (read, compare, write) before it is read again.
    /// </summary>
    [Parameter]
    public SwitchParameter Verify { get; set; }

    /// <summary>
    /// With -Verify: how long to wait, in seconds, before reading back a user whose write had an attempt of unknown
    /// outcome (a call the module gave up on may still be executed by the service). The wait starts when the user's
    /// write ended; a longer wait catches later stale calls and holds that batch's place longer. 0 reads back at once.
    /// </summary>
    [Parameter]
    [ValidateRange(0, VerifyOptions.MaxSettleSeconds)]
    [PSDefaultValue(Value = VerifyOptions.DefaultSettleSeconds)]
    public int VerifySettleSec { get; set; } = VerifyOptions.DefaultSettleSeconds;

    /// <summary>
    /// Writes a journal of the run to this file, or to a new file named for the command and the time when it is a
    /// folder: a header (the app, the endpoint, the switches given), then, before each call is sent and flushed to the
    /// disk, each user's intended change and what it held of it before (read first, with the read API, whose quota is
    /// separate), then each user's outcome. A user whose read fails is not written. An existing file is an error
    /// (JournalExists). The journal holds user data: keep it as you keep the data. -WhatIf writes none. Read it with
    /// Get-ImRunJournal; the format is in docs/journal.md.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>
    /// Resumes the interrupted run journaled in -JournalPath (a file): give the same command the same input, in the same
    /// order. A user the journal records as done, at the same position and with the same change, is skipped; one of
    /// unknown outcome is read and written only if it differs; the rest are sent (declined ones are asked again). An
    /// input that differs from the journal at a position stops the run with JournalMismatch, naming the position; a
    /// journal of another command, app or parameters is JournalMismatch before anything is sent. The run appends to
    /// the same journal; its summary counts the users skipped.
    /// </summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    #endregion

    private RunJournal? _journal;

    /// <summary>
    /// The write <paramref name="write"/>, journaled when -JournalPath is given (and this is no -WhatIf run): priors
    /// read through <paramref name="read"/>, recorded as <paramref name="shape"/> says. The journal is created here,
    /// so that a bad path or an existing file stops the command before anything is read or sent.
    /// </summary>
    private protected IBatchOperation<TItem, TResult> Journaled<TItem, TResult, TState>(ImConnection connection, IBatchOperation<TItem, TResult> write,
        IBatchOperation<GetItem, TState> read, JournalShape<TItem, TResult, TState> shape)
        where TItem : class
        where TResult : class
        where TState : class
    {
        if (Resume && JournalPath is null)
        {
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException("-Resume resumes the run journaled in -JournalPath: give -JournalPath the interrupted run's journal."),
                ErrorIds.ResumeNeedsJournal, ErrorCategory.InvalidArgument, null));
        }
        if (JournalPath is null || WhatIfRun) return write;
        _journal = RunJournals.Open(this, connection, JournalPath, Resume, out var index);
        return JournaledRuns.Wrap(write, read, shape, _journal, index);
    }

    /// <summary>-Verify's options, or null without -Verify (set before <see cref="ImBulkCmdlet.Start"/> is called).</summary>
    private protected VerifyOptions? Verification { get; private set; }

    #region Overrides

    /// <summary>Refuses -VerifySettleSec without -Verify, then starts the run.</summary>
    protected override void BeginProcessing()
    {
        if (Given(nameof(VerifySettleSec)) && !Verify)
        {
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException(
                "-VerifySettleSec is the settle delay of -Verify: give -Verify too, or leave -VerifySettleSec out."),
                ErrorIds.VerifySettleWithoutVerify, ErrorCategory.InvalidArgument, VerifySettleSec));
        }
        Verification = Verify ? new VerifyOptions(System.TimeSpan.FromSeconds(VerifySettleSec)) : null;
        base.BeginProcessing();
    }

    /// <summary>Finishes the run, then closes its journal: a journal that failed after the last call is a terminating error, since it lacks outcomes.</summary>
    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (_journal is null) return;
        _journal.Dispose();
        if (_journal.Failure is { } failure)
        {
            ThrowTerminatingError(new ErrorRecord(failure, failure.ErrorId, ErrorCategory.WriteError, _journal.Path));
        }
    }

    /// <summary>Closes the journal.</summary>
    protected override void Dispose(bool disposing)
    {
        // The run first: its calls end before their journal closes.
        base.Dispose(disposing);
        if (disposing) _journal?.Dispose();
    }

    #endregion
}
