using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace TencentImAttr.Core.Timing;

/// <summary>
/// Lets at most N calls start in any window of (a little over) one second, released half the even pace apart (a
/// schedule that the pacer's own short lateness does not shift, <see cref="PacingSchedule.MaxCatchUp"/>). A token
/// bucket with a burst of N would allow up to 2N calls in some one-second window; this cannot. A call is counted when
/// it actually starts (<see cref="PacingSchedule"/>): the waiters are released in order by one
/// dedicated thread, which the thread pool's timer queue cannot make late, and a released call checks the window
/// once more at the moment it goes out, so a call held back after its release is counted then, and waits again if
/// that moment's window is already full.
/// </summary>
internal sealed class CallRateLimiter
{
    /// <summary>
    /// The default window. The server counts arrivals, which trail our starts by a variable delay (measured on
    /// loopback: up to tens of milliseconds under load); 4 % of margin kept every benchmark run within the quota
    /// at a cost of 4 % of throughput.
    /// </summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMilliseconds(1040);

    // The pacing thread ends after this long without waiters, and starts again with the next one.
    private static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The share of the pace kept after a rate-limit answer (multiplicative decrease). Not a half, as TCP's: the
    /// quota is known and shared with traffic that comes and goes, and a sawtooth from 90 % to 100 % of the share
    /// left keeps about 95 % of it. The first cut also goes no higher than the calls that succeeded in the last
    /// window: what the service has just shown it leaves us, so a run that starts at the whole quota finds the
    /// share in one step instead of several windows of refusals.
    /// </summary>
    public const double DecreaseFactor = 0.9;

    private readonly int _limit;
    private readonly TimeSpan _window;
    private readonly IClock _clock;
    private readonly bool _dedicatedThread;
    private readonly PacingSchedule? _schedule;
    private readonly LinkedList<Waiter> _waiting = new();
    private readonly object _gate = new();
    private bool _pacerRunning;
    private int _pace;
    private double _credit;
    private TimeSpan? _lastCut;
    // When the calls that succeeded within the last window were answered.
    private readonly Queue<TimeSpan> _succeeded = new();

    /// <summary>A limiter of <paramref name="callsPerSecond"/> calls per window; 0 or less lifts the limit.</summary>
    /// <param name="callsPerSecond">Calls allowed per window.</param>
    /// <param name="clock">The time source.</param>
    /// <param name="window">The window (default <see cref="DefaultWindow"/>).</param>
    /// <param name="dedicatedThread">
    /// Release waiters from a dedicated thread (default: when <paramref name="clock"/> is the real clock). A test's
    /// clock, whose time moves only when told, is driven through its own <see cref="IClock.Delay"/> instead.
    /// </param>
    public CallRateLimiter(int callsPerSecond, IClock clock, TimeSpan? window = null, bool? dedicatedThread = null)
    {
        _limit = callsPerSecond;
        _pace = callsPerSecond;
        _clock = clock;
        _window = window ?? DefaultWindow;
        _dedicatedThread = dedicatedThread ?? clock is SystemClock;
        if (callsPerSecond > 0) _schedule = new PacingSchedule(callsPerSecond, _window, TimeSpan.FromTicks(_window.Ticks / (2 * callsPerSecond)));
    }

    /// <summary>The calls allowed per window at most (-CallsPerSecond); 0 or less means unlimited.</summary>
    public int CallsPerSecond => _limit;

    /// <summary>The calls allowed per window now: <see cref="CallsPerSecond"/>, or less after rate-limit answers.</summary>
    public int CurrentPace
    {
        get { lock (_gate) return _pace; }
    }

    /// <summary>
    /// The step between two releases at the present pace (releases that catch up after a late one come closer:
    /// <see cref="PacingSchedule.MaxCatchUp"/>).
    /// </summary>
    public TimeSpan Spacing
    {
        get { lock (_gate) return _schedule?.Spacing ?? TimeSpan.Zero; }
    }

    /// <summary>
    /// The service refused a call for the rate: other traffic shares the quota. The pace drops to
    /// <see cref="DecreaseFactor"/> of itself, at most once per window (the refusals of one window answer one pace).
    /// Returns the pace before and after, or null when it was not lowered (unlimited, already lowered in this window, at 1).
    /// </summary>
    public (int From, int To)? OnRateLimited()
    {
        if (_schedule is null) return null;
        lock (_gate)
        {
            var now = _clock.Elapsed;
            if (_lastCut is { } last && now - last < _window) return null;
            var from = _pace;
            PruneSucceeded(now);
            var to = Math.Max(1, (int)(from * DecreaseFactor));
            if (_succeeded.Count > 0 && _succeeded.Count < to) to = _succeeded.Count;
            if (to == from) return null;
            SetPace(to);
            _credit = 0;
            _lastCut = now;
            return (from, to);
        }
    }

    /// <summary>
    /// A call went through: the pace climbs back by one call per window for every window's worth of calls that
    /// succeed (additive increase), never above <see cref="CallsPerSecond"/>.
    /// </summary>
    public void OnSucceeded()
    {
        if (_schedule is null) return;
        lock (_gate)
        {
            var now = _clock.Elapsed;
            _succeeded.Enqueue(now);
            PruneSucceeded(now);
            if (_pace >= _limit) return;
            _credit += 1.0 / _pace;
            if (_credit < 1) return;
            _credit -= 1;
            SetPace(_pace + 1);
        }
    }

    private void PruneSucceeded(TimeSpan now)
    {
        while (_succeeded.Count > 0 && now - _succeeded.Peek() >= _window) _succeeded.Dequeue();
    }

    private void SetPace(int pace)
    {
        _pace = pace;
        _schedule!.SetLimit(pace);
        // The pacing thread reads the schedule again.
        Monitor.PulseAll(_gate);
    }

    /// <summary>
    /// Waits until a call may start, and counts it as started when this completes. Call <see cref="CallStart.Sent"/>
    /// on the result when the request has been written: the call then counts from that moment, if later.
    /// </summary>
    public Task<CallStart> WaitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_schedule is null) return Task.FromResult(default(CallStart));
        return _dedicatedThread ? WaitForPacerAsync(cancellationToken) : WaitOnClockAsync(cancellationToken);
    }

    /// <summary>The request of a started call was written now.</summary>
    internal void Sent(long id)
    {
        lock (_gate)
        {
            _schedule!.Sent(id, _clock.Elapsed);
        }
    }

    private async Task<CallStart> WaitForPacerAsync(CancellationToken cancellationToken)
    {
        var again = false;
        var since = _clock.Elapsed;
        while (true)
        {
            var released = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                // A call that was released but found the window full keeps its place at the head.
                if (again) _waiting.AddFirst(new Waiter(released, since));
                else _waiting.AddLast(new Waiter(released, since));
                if (!_pacerRunning)
                {
                    _pacerRunning = true;
                    new Thread(Pace) { IsBackground = true, Name = "TencentImAttr call pacer" }.Start();
                }
                Monitor.Pulse(_gate);
            }
            using (cancellationToken.Register(() => released.TrySetCanceled()))
            {
                await released.Task.ConfigureAwait(false);
            }
            lock (_gate)
            {
                var started = _schedule!.TryStart(_clock.Elapsed, out var id);
                Monitor.Pulse(_gate);
                if (started) return new CallStart(this, id);
            }
            again = true;
        }
    }

    /// <summary>The pacing thread: releases the head waiter as soon as the schedule allows, in order.</summary>
    private void Pace()
    {
        lock (_gate)
        {
            while (true)
            {
                while (_waiting.First is { } head && head.Value.Released.Task.IsCompleted)
                {
                    _waiting.RemoveFirst(); // cancelled while waiting
                }
                if (_waiting.First is null)
                {
                    if (!Monitor.Wait(_gate, IdleExit) && _waiting.First is null)
                    {
                        _pacerRunning = false;
                        return;
                    }
                    continue;
                }
                var now = _clock.Elapsed;
                var at = _schedule!.NextRelease(now);
                if (at > now)
                {
                    // Woken early by a new waiter, a start or a give-up: the schedule is read again.
                    Monitor.Wait(_gate, at == TimeSpan.MaxValue ? Timeout.InfiniteTimeSpan : Ceiling(at - now));
                    continue;
                }
                var next = _waiting.First.Value;
                _waiting.RemoveFirst();
                _schedule.Release(now, next.Since);
                if (!next.Released.TrySetResult(true)) _schedule.GiveUp();
            }
        }
    }

    /// <summary>The same schedule, driven by the clock's own delays (tests' clocks).</summary>
    private async Task<CallStart> WaitOnClockAsync(CancellationToken cancellationToken)
    {
        var since = _clock.Elapsed;
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _clock.Elapsed;
                var at = _schedule!.NextRelease(now);
                if (at <= now)
                {
                    _schedule.Release(now, since);
                    if (_schedule.TryStart(now, out var id)) return new CallStart(this, id);
                    continue;
                }
                wait = at == TimeSpan.MaxValue ? _schedule.Spacing : at - now;
            }
            await _clock.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A call waiting for its release, and since when (a release is made good only for a call that was waiting when it was due).</summary>
    private sealed class Waiter
    {
        public Waiter(TaskCompletionSource<bool> released, TimeSpan since)
        {
            Released = released;
            Since = since;
        }

        public TaskCompletionSource<bool> Released { get; }

        public TimeSpan Since { get; }
    }

    private static TimeSpan Ceiling(TimeSpan wait) => TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(wait.TotalMilliseconds)));
}

/// <summary>A call the limiter let start; tell it when the request has really been written.</summary>
internal readonly struct CallStart
{
    private readonly CallRateLimiter? _limiter;
    private readonly long _id;

    internal CallStart(CallRateLimiter limiter, long id)
    {
        _limiter = limiter;
        _id = id;
    }

    /// <summary>The request went out now: the call counts from now against the window, if that is later than its start.</summary>
    public void Sent() => _limiter?.Sent(_id);
}
