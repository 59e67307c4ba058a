using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace TencentImAttr.Core.Engine;

/// <summary>
/// Lets at most N calls start in any window of one second (a sliding-window log of start times).
/// A token bucket with a burst of N would allow up to 2N calls in some one-second window; the log cannot.
/// </summary>
public sealed class CallRateLimiter
{
    private readonly int _limit;
    private readonly TimeSpan _window;
    private readonly IClock _clock;
    private readonly Queue<TimeSpan> _starts = new();
    private readonly object _gate = new();

    /// <summary>
    /// <paramref name="callsPerSecond"/> 0 or less lifts the limit. The window is a little longer than a second
    /// so that jitter between our clock and the server's cannot push a window over the quota.
    /// </summary>
    public CallRateLimiter(int callsPerSecond, IClock clock, TimeSpan? window = null)
    {
        _limit = callsPerSecond;
        _clock = clock;
        _window = window ?? TimeSpan.FromMilliseconds(1010);
    }

    /// <summary>The calls allowed per window; 0 or less means unlimited.</summary>
    public int CallsPerSecond => _limit;

    /// <summary>Waits until a call may start, and counts it as started.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (_limit <= 0) return;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TimeSpan wait;
            lock (_gate)
            {
                var now = _clock.Elapsed;
                while (_starts.Count > 0 && now - _starts.Peek() >= _window)
                {
                    _starts.Dequeue();
                }
                if (_starts.Count < _limit)
                {
                    _starts.Enqueue(now);
                    return;
                }
                wait = _window - (now - _starts.Peek());
            }
            await _clock.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }
}
