using System;
using System.Collections.Generic;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// The counts a run's summary reports, kept on the pipeline thread by the engine's parts: items read, users done,
/// failed (by error id), declined, and, once a run stopped early, the users it held (applied, outcome unknown, not
/// sent), counted as its stop error counts them, so that the summary and the error agree.
/// </summary>
internal sealed class RunTally
{
    /// <summary>Items read from the input.</summary>
    public long Received;

    /// <summary>Users written as done.</summary>
    public long Succeeded;

    /// <summary>Users written as errors.</summary>
    public long Failed;

    /// <summary>Users not sent because a question was declined.</summary>
    public long Declined;

    /// <summary>Users done or failed after a write attempt of unknown outcome, that nothing read back.</summary>
    public long UnknownAttempts;

    /// <summary>A stopped run's users past the stopping point: applied, outcome unknown, not sent.</summary>
    public long HeldApplied, HeldUnknown, HeldNotSent;

    /// <summary>Whether the users held at a stop were counted.</summary>
    public bool HeldAccounted;

    /// <summary>Failed users by error id: where the summary and a stop's totals read failures.</summary>
    public Dictionary<string, long> FailedByErrorId { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts one failed user under its error id.</summary>
    public void CountFailed(string errorId) =>
        FailedByErrorId[errorId] = FailedByErrorId.TryGetValue(errorId, out var count) ? count + 1 : 1;

    /// <summary>Failed users in all, those held at a stop included.</summary>
    public long FailedInAll()
    {
        var failed = 0L;
        foreach (var count in FailedByErrorId.Values) failed += count;
        return failed;
    }
}
