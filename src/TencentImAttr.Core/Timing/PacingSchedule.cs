using System;
using System.Collections.Generic;

namespace TencentImAttr.Core.Timing;

/// <summary>
/// The quota's arithmetic, without threads or clocks: when the next call may be released, and whether a released
/// call may really start now. A call counts from the moment it actually starts (<see cref="TryStart"/>), not from
/// when it was planned or released: a call that a late timer, a busy thread pool or a collection held back is
/// counted when it goes out, so such delays can never squeeze more than the limit into one window. When the request
/// has really been written (<see cref="Sent"/>), the call is counted from then instead, if that is later: a send that
/// the machine held back after the start pushes the following calls back too.
/// Not thread-safe: <see cref="CallRateLimiter"/> serialises every use.
/// </summary>
internal sealed class PacingSchedule
{
    private readonly TimeSpan _window;
    private int _limit;
    private TimeSpan _spacing;
    // The calls started within the window, oldest first: when each counts from, and an id to find it by.
    private readonly List<(TimeSpan At, long Id)> _started = new();
    private TimeSpan? _lastRelease;
    private int _released;
    private long _lastId;

    public PacingSchedule(int limit, TimeSpan window, TimeSpan spacing)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), "The limit must be at least 1.");
        _limit = limit;
        _window = window;
        _spacing = spacing;
    }

    /// <summary>The calls allowed per window now.</summary>
    public int Limit => _limit;

    /// <summary>
    /// The step between two releases now (releases that catch up after a late one come closer: <see cref="MaxCatchUp"/>).
    /// </summary>
    public TimeSpan Spacing => _spacing;

    /// <summary>
    /// Changes the limit (the adaptive pace): from now on at most <paramref name="limit"/> starts in any window, with
    /// the spacing of that pace. Starts already counted stay counted, so a lower limit holds calls back until enough
    /// of them leave the window.
    /// </summary>
    public void SetLimit(int limit)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), "The limit must be at least 1.");
        _limit = limit;
        _spacing = TimeSpan.FromTicks(_window.Ticks / (2 * limit));
    }

    /// <summary>Calls released and not yet started (or given up).</summary>
    public int Released => _released;

    /// <summary>
    /// The earliest time, at or after <paramref name="now"/>, at which one more call may be released: releases keep
    /// the spacing (from when the last release was due, <see cref="MaxCatchUp"/>), and the started calls still in the
    /// window plus those released count against the limit. <see cref="TimeSpan.MaxValue"/> when released calls alone
    /// fill the window (one of them must start or give up first).
    /// </summary>
    public TimeSpan NextRelease(TimeSpan now)
    {
        var due = Due(now);
        return due > now ? due : now;
    }

    /// <summary>
    /// When the next release is due by the rules alone (the spacing from the last release, and the window), however
    /// long ago: <see cref="TimeSpan.Zero"/> when neither holds it back, <see cref="TimeSpan.MaxValue"/> when released
    /// calls alone fill the window.
    /// </summary>
    private TimeSpan Due(TimeSpan now)
    {
        Prune(now);
        var at = _lastRelease is { } last ? last + _spacing : TimeSpan.Zero;
        var over = _started.Count + _released - _limit;
        if (over >= 0)
        {
            if (over >= _started.Count) return TimeSpan.MaxValue;
            var leaves = _started[over].At + _window;
            if (leaves > at) at = leaves;
        }
        return at;
    }

    /// <summary>
    /// How late a release may be and still count, for the spacing, as made when it was due, so that the releases it
    /// held back go out one after the other until the schedule is met again. The pacer's waits round up to whole
    /// milliseconds, and a collection's pause or the scheduler holds it back a few more. Carried into every later
    /// release instead, such lateness made the first window's 5.2 ms spacing 6.3 ms, and each window's releases
    /// (1,040 ms after the same calls of the window before) inherited every hiccup of the one before (issue 25). Only
    /// a pacer's lateness is made good: a call that came after its release was due (demand, not the pacer, was late)
    /// spaces the next from itself, as does a release later than this (a stalled machine): no burst makes up for them.
    /// </summary>
    public static readonly TimeSpan MaxCatchUp = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The most releases that go back to back while catching up, the late one included; at a low pace, where
    /// <see cref="MaxCatchUp"/> is under a spacing, none does.
    /// </summary>
    public const int MaxCatchUpCalls = 4;

    /// <summary>
    /// One call is released at <paramref name="now"/>; it must <see cref="TryStart"/> or <see cref="GiveUp"/>.
    /// <paramref name="waitingSince"/>: when that call began to wait (null: before its release was due).
    /// </summary>
    public void Release(TimeSpan now, TimeSpan? waitingSince = null)
    {
        var due = Due(now);
        _released++;
        // Late only through the pacer (the call was waiting when its release was due), and by little: the next release
        // is spaced from when this one was due. The window (counted from the real starts) is what keeps the quota.
        var late = now - due;
        var catchUp = TimeSpan.FromTicks(Math.Min(MaxCatchUp.Ticks, (MaxCatchUpCalls - 1) * _spacing.Ticks));
        _lastRelease = _lastRelease is not null && late > TimeSpan.Zero && late <= catchUp && (waitingSince ?? due) <= due ? due : now;
    }

    /// <summary>
    /// A released call is about to go out at <paramref name="now"/>: true, and it is counted from now (its
    /// <paramref name="id"/> names it to <see cref="Sent"/>); false when the window is already full of calls that
    /// started (it must wait to be released again).
    /// </summary>
    public bool TryStart(TimeSpan now, out long id)
    {
        _released--;
        Prune(now);
        id = 0;
        if (_started.Count >= _limit) return false;
        id = ++_lastId;
        Insert(now, id);
        return true;
    }

    /// <summary>The request of call <paramref name="id"/> was written at <paramref name="now"/>: it counts from then, if later.</summary>
    public void Sent(long id, TimeSpan now)
    {
        var index = _started.FindIndex(s => s.Id == id);
        if (index < 0 || _started[index].At >= now) return; // already out of the window, or counted later anyway
        _started.RemoveAt(index);
        Insert(now, id);
    }

    /// <summary>A released call was cancelled before it started.</summary>
    public void GiveUp() => _released--;

    private void Prune(TimeSpan now)
    {
        var gone = 0;
        while (gone < _started.Count && now - _started[gone].At >= _window) gone++;
        if (gone > 0) _started.RemoveRange(0, gone);
    }

    private void Insert(TimeSpan at, long id)
    {
        var index = _started.Count;
        while (index > 0 && _started[index - 1].At > at) index--;
        _started.Insert(index, (at, id));
    }
}
