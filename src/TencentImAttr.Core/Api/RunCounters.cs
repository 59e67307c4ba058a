using System.Threading;

namespace TencentImAttr.Core.Api;

/// <summary>
/// What a run's calls count for its summary, beyond the users' outcomes: calls sent again and pace adjustments.
/// Incremented from worker threads, read on the pipeline thread.
/// </summary>
internal sealed class RunCounters
{
    private long _retries;
    private long _paceAdjustments;

    /// <summary>Calls sent again: after a transient failure of the call, or for users an answer named with a transient error.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Times the pace of calls was changed during the run (adaptive pacing).</summary>
    public long PaceAdjustments => Interlocked.Read(ref _paceAdjustments);

    /// <summary>Counts one call sent again.</summary>
    public void AddRetry() => Interlocked.Increment(ref _retries);

    /// <summary>Counts one change of pace.</summary>
    public void AddPaceAdjustment() => Interlocked.Increment(ref _paceAdjustments);
}
