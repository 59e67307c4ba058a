using System.Threading;

namespace TencentImAttr.Core.Api;

/// <summary>
/// What a run's calls met, counted as they happen (from worker threads): retries, rate-limit answers and the pace
/// adjustments they caused. A run's summary reads them at the end (BatchEngine.Counters).
/// </summary>
internal sealed class CallCounters
{
    private int _attempts, _retries, _rateLimited, _paceLowered, _lowestPace;

    /// <summary>HTTP attempts sent.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Attempts that were a retry of a transient failure (renewals and 90033 narrowing excluded).</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Answers that refused a call for the rate (60007, 60011, 60018, 60019, HTTP 429).</summary>
    public int RateLimited => Volatile.Read(ref _rateLimited);

    /// <summary>Times this run's refusals lowered the connection's pace.</summary>
    public int PaceLowered => Volatile.Read(ref _paceLowered);

    /// <summary>The lowest pace (calls per second) this run set; 0 when it lowered none.</summary>
    public int LowestPace => Volatile.Read(ref _lowestPace);

    internal void Attempt() => Interlocked.Increment(ref _attempts);

    internal void Retry() => Interlocked.Increment(ref _retries);

    internal void Refused() => Interlocked.Increment(ref _rateLimited);

    internal void Lowered(int to)
    {
        Interlocked.Increment(ref _paceLowered);
        int seen;
        do
        {
            seen = Volatile.Read(ref _lowestPace);
            if (seen != 0 && seen <= to) return;
        }
        while (Interlocked.CompareExchange(ref _lowestPace, to, seen) != seen);
    }
}
