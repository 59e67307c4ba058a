using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace TencentImAttr.Core.Timing;

/// <summary>
/// Lets at most N calls start in any window of (a little over) one second: a sliding-window log of reserved start
/// times, with starts spaced at least half the even pace apart. A token bucket with a burst of N would allow up to
/// 2N calls in some one-second window; the log cannot. The spacing keeps a window's calls from leaving in one burst,
/// whose stragglers would reach the server inside the next window.
/// </summary>
internal sealed class CallRateLimiter
{
    /// <summary>
    /// The default window. The server counts arrivals, which trail our starts by a variable delay (measured on
    /// loopback: up to tens of milliseconds under load); 4 % of margin kept every benchmark run within the quota
    /// at a cost of 4 % of throughput.
    /// </summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMilliseconds(1040);

    private readonly int _limit;
    private readonly TimeSpan _window;
    private readonly TimeSpan _spacing;
    private readonly IClock _clock;
    private readonly Queue<TimeSpan> _starts = new();
    private readonly object _gate = new();
    private TimeSpan _next;

    /// <summary>A limiter of <paramref name="callsPerSecond"/> calls per window; 0 or less lifts the limit.</summary>
    public CallRateLimiter(int callsPerSecond, IClock clock, TimeSpan? window = null)
    {
        _limit = callsPerSecond;
        _clock = clock;
        _window = window ?? DefaultWindow;
        _spacing = callsPerSecond > 0 ? TimeSpan.FromTicks(_window.Ticks / (2 * callsPerSecond)) : TimeSpan.Zero;
    }

    /// <summary>The calls allowed per window; 0 or less means unlimited.</summary>
    public int CallsPerSecond => _limit;

    /// <summary>The shortest time between two starts.</summary>
    public TimeSpan Spacing => _spacing;

    /// <summary>Reserves the earliest start time the limits allow and waits for it.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_limit <= 0) return Task.CompletedTask;
        TimeSpan wait;
        lock (_gate)
        {
            var now = _clock.Elapsed;
            // Reserving (rather than retrying when woken) keeps waiters in order, and a late timer cannot make the
            // following starts bunch up: the schedule advances from the reservations, not from when threads woke.
            var at = now > _next ? now : _next;
            while (_starts.Count > 0 && at - _starts.Peek() >= _window)
            {
                _starts.Dequeue();
            }
            if (_starts.Count >= _limit)
            {
                at = _starts.Dequeue() + _window;
            }
            _starts.Enqueue(at);
            _next = at + _spacing;
            wait = at - now;
        }
        return _clock.Delay(wait, cancellationToken);
    }
}
