using System;
using System.Globalization;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Thrown by the sink (on the pipeline thread) when the caller's preference turns a failure into a stop
/// (-ErrorAction Stop): the engine stops sending, lets the calls already out finish and accounts for every user it holds.
/// </summary>
internal sealed class StopRequestedException : Exception
{
    /// <summary>Wraps what the host threw (PowerShell's ActionPreferenceStopException).</summary>
    public StopRequestedException(Exception inner)
        : base("The caller asked the command to stop.", inner)
    {
    }
}

/// <summary>The terminating error of a run that stopped early: what stopped it, what to do, and what became of the input.</summary>
internal static class RunStop
{
    /// <summary>The exception, its message giving the counts.</summary>
    public static ImRunStoppedException Exception(ItemFailure cause, Exception inner, bool byCaller, long stoppedAt, long succeeded, long received, RunAccount account)
    {
        var n = CultureInfo.InvariantCulture;
        var held = string.Format(n, "{0:N0} applied, {1:N0} failed, {2:N0} outcome unknown (timed out or cut after sending), {3:N0} not sent",
            account.Applied.Count, account.Failed.Count, account.OutcomeUnknown.Count, account.NotSent.Count);
        var unread = "; input not yet read was not taken";
        var lists = " The exception (ImRunStoppedException) lists the user ids in Applied, Failed, OutcomeUnknown and NotSent; StoppedAt counts the input items written before the stop.";
        string message;
        if (byCaller)
        {
            message = string.Format(n, "The command stopped at input item {0:N0}, as -ErrorAction Stop asks: {1} Nothing more was sent; the calls already out were let finish. {2:N0} user(s) were done before it; of the {3:N0} from there on that the command held: {4}{5}.{6}",
                stoppedAt + 1, cause.Message, succeeded, account.Count, held, unread, lists);
        }
        else
        {
            message = string.Format(n, "{0} The connection is wrong, so the command stopped: nothing more was sent after this failure, and the calls already out were let finish. Of the {1:N0} user(s) read: {2:N0} done before the stop, and of the {3:N0} held then: {4}{5}.{6}",
                cause.Message, received, succeeded, account.Count, held, unread, lists);
        }
        return new ImRunStoppedException(message, inner, cause.ErrorId, cause.Category, byCaller ? cause.TargetObject : null, byCaller, stoppedAt, succeeded, account)
        {
            RecommendedAction = byCaller
                ? "Fix the input, then resume after the stop: $input | Select-Object -Skip $e.StoppedAt | Where-Object UserId -NotIn $e.Applied | <the same command>. (Get-ImLastRun gives $e as its StopError.)"
                : (cause.Exception as ImApiException)?.RecommendedAction,
        };
    }
}
