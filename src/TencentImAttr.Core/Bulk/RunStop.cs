using System;
using System.Globalization;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Thrown by the sink (on the pipeline thread) when the caller's preference turns a failure into a stop
/// (-ErrorAction Stop): the engine stops sending, lets the calls already in flight finish and accounts for every user it holds.
/// </summary>
internal sealed class StopRequestedException : Exception
{
    /// <summary>Wraps what the host threw (PowerShell's ActionPreferenceStopException).</summary>
    public StopRequestedException(Exception inner)
        : base("The caller asked the command to stop.", inner)
    {
    }
}

/// <summary>
/// Thrown by the sink (on the pipeline thread) when the command's output is no longer taken (a downstream
/// Select-Object -First): the engine stops sending, lets the calls already in flight finish and counts every user it holds
/// in the summary, then lets the host's own stop go on (no error: the caller asked for no more).
/// </summary>
internal sealed class DownstreamStopException : Exception
{
    /// <summary>Wraps what the host threw (PowerShell's StopUpstreamCommandsException), rethrown once every user held is counted.</summary>
    public DownstreamStopException(Exception inner)
        : base("The command's output is no longer taken.", inner)
    {
    }
}

/// <summary>
/// Thrown on the pipeline thread when the run must stop before sending more, for a reason that is not a user's own
/// (an attribute name the app does not register, a removal that this host cannot ask about): the engine stops
/// sending, lets the calls already in flight finish and accounts for every user it holds, as for a broken connection.
/// </summary>
internal sealed class RunRefusedException : Exception
{
    /// <summary>The refusal: its exception, error id and target become the stop's.</summary>
    public RunRefusedException(ItemFailure cause)
        : base(cause.Message, cause.Exception) => Cause = cause;

    /// <summary>Why the run stops.</summary>
    public ItemFailure Cause { get; }
}

/// <summary>What stopped a run early.</summary>
internal enum StopCause
{
    /// <summary>A failure that says the connection is wrong.</summary>
    Connection,

    /// <summary>The caller's -ErrorAction Stop on a user's failure.</summary>
    Caller,

    /// <summary>A refusal before sending (<see cref="RunRefusedException"/>).</summary>
    Refused,

    /// <summary>The caller's Ctrl+C (PowerShell's StopProcessing): the calls in flight were cancelled.</summary>
    Interrupted,
}

/// <summary>A stopped run's counts over all its input, as its summary gives them: done (applied included), failed, outcome unknown, not sent (held when it stopped), declined.</summary>
internal readonly struct RunTotals
{
    public RunTotals(long done, long failed, long outcomeUnknown, long notSent, long declined)
    {
        Done = done;
        Failed = failed;
        OutcomeUnknown = outcomeUnknown;
        NotSent = notSent;
        Declined = declined;
    }

    public long Done { get; }
    public long Failed { get; }
    public long OutcomeUnknown { get; }
    public long NotSent { get; }
    public long Declined { get; }
}

/// <summary>The terminating error of a run that stopped early: what stopped it, what to do, and what became of the input.</summary>
internal static class RunStop
{
    /// <summary>The exception, its message giving the counts.</summary>
    public static ImRunStoppedException Exception(ItemFailure cause, Exception inner, StopCause why, long stoppedAt, long succeeded, long received, RunAccount account, RunTotals totals)
    {
        var byCaller = why == StopCause.Caller;
        var n = CultureInfo.InvariantCulture;
        var held = string.Format(n, "{0:N0} applied, {1:N0} failed, {2:N0} outcome unknown (timed out or cut after sending), {3:N0} not sent",
            account.Applied.Count, account.Failed.Count, account.OutcomeUnknown.Count, account.NotSent.Count);
        var unread = "; input not yet read was not taken";
        var inAll = string.Format(n, " In all (the run's summary counts the same): {0:N0} done, {1:N0} failed, {2:N0} outcome unknown, {3:N0} not sent{4}.",
            totals.Done, totals.Failed, totals.OutcomeUnknown, totals.NotSent, totals.Declined == 0 ? "" : string.Format(n, ", {0:N0} declined", totals.Declined));
        var lists = inAll + " The exception (ImRunStoppedException) lists the user ids in Applied, Failed, OutcomeUnknown and NotSent; StoppedAt counts the input items written before the stop.";
        string message;
        if (byCaller)
        {
            message = string.Format(n, "The command stopped at input item {0:N0}, as -ErrorAction Stop asks: {1} Nothing more was sent; the calls in flight were let finish. {2:N0} user(s) were done before it; of the {3:N0} from there on that the command held: {4}{5}.{6}",
                stoppedAt + 1, cause.Message, succeeded, account.Count, held, unread, lists);
        }
        else if (why == StopCause.Interrupted)
        {
            message = string.Format(n, "The command was stopped (Ctrl+C): nothing more was sent, and the calls in flight were cancelled (a call whose request had gone out may still be applied: its users are of unknown outcome). Of the {0:N0} user(s) read: {1:N0} done before the stop, and of the {2:N0} held then: {3}{4}.{5}",
                received, succeeded, account.Count, held, unread, lists);
        }
        else if (why == StopCause.Refused)
        {
            message = string.Format(n, "{0} The command stopped there: nothing more was sent, and the calls in flight were let finish. Of the {1:N0} user(s) read: {2:N0} done before the stop, and of the {3:N0} held then: {4}{5}.{6}",
                cause.Message, received, succeeded, account.Count, held, unread, lists);
        }
        else
        {
            var reason = cause.Exception is ImApiException { StopsRun: true } ? "Every user would fail the same way" : "The connection is wrong";
            message = string.Format(n, "{0} " + reason + ", so the command stopped: nothing more was sent after this failure, and the calls in flight were let finish. Of the {1:N0} user(s) read: {2:N0} done before the stop, and of the {3:N0} held then: {4}{5}.{6}",
                cause.Message, received, succeeded, account.Count, held, unread, lists);
        }
        return new ImRunStoppedException(message, inner, cause.ErrorId, cause.Category, why == StopCause.Connection ? null : cause.TargetObject, byCaller, stoppedAt, succeeded, account)
        {
            RecommendedAction = byCaller
                ? "Fix the input, then resume after the stop: $input | Select-Object -Skip $e.StoppedAt | Where-Object UserId -NotIn $e.Applied | <the same command>. (Get-ImLastRun gives $e as its StopError.)"
                : why == StopCause.Interrupted
                    ? "Read back the users in OutcomeUnknown (Get-ImUserAttribute or Get-ImUserTag); send again those in NotSent and the input not yet read; a journaled run resumes with -Resume."
                    : (cause.Exception as ImApiException)?.RecommendedAction,
        };
    }
}
