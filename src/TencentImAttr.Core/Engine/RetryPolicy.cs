using System;
using System.Threading;

namespace TencentImAttr.Core.Engine;

/// <summary>Exponential backoff with full jitter for transient failures, bounded in attempts.</summary>
public sealed class RetryPolicy
{
    private static int _seed = Environment.TickCount;
    private static readonly ThreadLocal<Random> Jitter = new(() => new Random(Interlocked.Increment(ref _seed)));

    /// <summary>The default number of retries after the first attempt.</summary>
    public const int DefaultMaxRetry = 5;

    /// <summary>Creates a policy.</summary>
    public RetryPolicy(int maxRetry = DefaultMaxRetry, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        if (maxRetry < 0) throw new ArgumentOutOfRangeException(nameof(maxRetry), "MaxRetry cannot be negative.");
        MaxRetry = maxRetry;
        BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(500);
        MaxDelay = maxDelay ?? TimeSpan.FromSeconds(30);
    }

    /// <summary>Retries after the first attempt (0: never retry).</summary>
    public int MaxRetry { get; }

    /// <summary>The delay before the first retry, before jitter; it doubles with each retry.</summary>
    public TimeSpan BaseDelay { get; }

    /// <summary>The longest delay between two attempts.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>
    /// The pause before retry number <paramref name="retry"/> (1 for the first): uniform between half and all of
    /// min(MaxDelay, BaseDelay x 2^(retry-1)), so many clients that failed together do not come back together.
    /// </summary>
    public TimeSpan DelayBefore(int retry)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30)));
        var ms = ceiling / 2 + Jitter.Value!.NextDouble() * ceiling / 2;
        return TimeSpan.FromMilliseconds(ms);
    }
}
