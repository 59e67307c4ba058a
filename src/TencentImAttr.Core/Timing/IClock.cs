using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace TencentImAttr.Core.Timing;

/// <summary>Time, as the quota, the retries, the progress and the UserSig renewal see it; tests give a fake one.</summary>
internal interface IClock
{
    /// <summary>The wall-clock time (for UserSig issue and expiry).</summary>
    DateTimeOffset UtcNow { get; }

    /// <summary>A monotonic time since an arbitrary start (for intervals: never goes back).</summary>
    TimeSpan Elapsed { get; }

    /// <summary>
    /// A cheap, coarse monotonic count of milliseconds (it may lag by a tick of the system's coarse clock and wraps
    /// around): for checks made once per item that only need to know whether some milliseconds have passed.
    /// </summary>
    uint CoarseMilliseconds { get; }

    /// <summary>Completes after <paramref name="delay"/>, or is cancelled.</summary>
    Task Delay(TimeSpan delay, CancellationToken cancellationToken);
}

/// <summary>The real clock.</summary>
internal sealed class SystemClock : IClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    /// <summary>The one instance.</summary>
    public static SystemClock Instance { get; } = new();

    /// <inheritdoc />
    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    /// <inheritdoc />
    public TimeSpan Elapsed => _watch.Elapsed;

    /// <inheritdoc />
    /// <remarks>Environment.TickCount reads the system's coarse clock: several times cheaper than the Stopwatch (issue 25).</remarks>
    public uint CoarseMilliseconds => unchecked((uint)Environment.TickCount);

    /// <inheritdoc />
    public Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, cancellationToken);
}
