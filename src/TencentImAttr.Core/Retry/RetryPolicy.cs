using System;
using System.Threading;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Core.Retry;

/// <summary>
/// How long to wait before another attempt, and how many attempts an item may have: exponential backoff with equal
/// jitter, or the server's Retry-After where it gave one. The attempt budget is per item: 1 + MaxRetry attempts.
/// Only a rate limit backs off up to <see cref="MaxDelay"/>; any other transient failure (a 5xx, a reset, a timeout, a
/// malformed answer) says nothing about pace, so its backoff stops growing at <see cref="MaxPlainDelay"/>: a batch
/// that meets several of them in a row is not left seconds behind the others.
/// </summary>
/// <remarks>
/// Equal jitter (half the ceiling fixed, half random) rather than full jitter (anywhere from zero): a retry after a
/// rate limit must not come back at once, and the random half still spreads clients that failed together.
/// </remarks>
internal sealed class RetryPolicy
{
    private static int _seed = Environment.TickCount;
    private static readonly ThreadLocal<Random> Jitter = new(() => new Random(Interlocked.Increment(ref _seed)));

    /// <summary>The default number of retries after the first attempt.</summary>
    public const int DefaultMaxRetry = 5;

    /// <summary>The longest backoff after a transient failure that is not a rate limit.</summary>
    public static readonly TimeSpan MaxPlainDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The first backoff's ceiling after a transient failure that is not a rate limit (or <see cref="BaseDelay"/>, if
    /// smaller). Such a failure says nothing about pace, and the retry still waits its turn in the quota's limiter, so
    /// it cannot add load beyond the quota; waiting long only leaves the batch behind, and at the end of a run its
    /// retries are the run's tail.
    /// </summary>
    public static readonly TimeSpan PlainBaseDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest Retry-After honoured: a server asking for more is waited for this long, then tried again.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

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

    /// <summary>Attempts an item may use: the first and <see cref="MaxRetry"/> more.</summary>
    public int MaxAttempts => 1 + MaxRetry;

    /// <summary>The delay before the first retry, before jitter; it doubles with each retry.</summary>
    public TimeSpan BaseDelay { get; }

    /// <summary>The longest backoff between two attempts.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>Whether an item that has used <paramref name="attemptsUsed"/> attempts may have another.</summary>
    public bool CanRetry(int attemptsUsed) => attemptsUsed < MaxAttempts;

    /// <summary>
    /// The pause before retry number <paramref name="retry"/> (1 for the first): uniform between half and all of
    /// min(cap, start x 2^(retry-1)), where after a rate limit start is <see cref="BaseDelay"/> and the cap
    /// <see cref="MaxDelay"/>, and after any other failure start is <see cref="PlainBaseDelay"/> and the cap
    /// <see cref="MaxPlainDelay"/> (each no larger than BaseDelay and MaxDelay).
    /// </summary>
    public TimeSpan DelayBefore(int retry, bool rateLimited = true)
    {
        var cap = rateLimited ? MaxDelay : (MaxPlainDelay < MaxDelay ? MaxPlainDelay : MaxDelay);
        var start = rateLimited || BaseDelay < PlainBaseDelay ? BaseDelay : PlainBaseDelay;
        var ceiling = Math.Min(cap.TotalMilliseconds, start.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30)));
        var ms = ceiling / 2 + Jitter.Value!.NextDouble() * ceiling / 2;
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>
    /// The pause before retry number <paramref name="retry"/> after <paramref name="failure"/>: the server's
    /// Retry-After (capped at <see cref="MaxRetryAfter"/>) when it sent one, else the backoff.
    /// </summary>
    public TimeSpan DelayAfter(ImApiException? failure, int retry)
    {
        if (failure?.RetryAfter is { } asked)
        {
            if (asked < TimeSpan.Zero) return TimeSpan.Zero;
            return asked > MaxRetryAfter ? MaxRetryAfter : asked;
        }
        return DelayBefore(retry, failure is null || ResponseClassifier.IsRateLimited(failure));
    }
}
