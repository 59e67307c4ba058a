using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Timing;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Timing;

public class CallRateLimiterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(1040);

    /// <summary>Asserts that no window of <paramref name="window"/> holds more than <paramref name="limit"/> of the sorted times.</summary>
    private static void AssertAtMostPerWindow(List<TimeSpan> sorted, int limit, TimeSpan window)
    {
        for (var i = limit; i < sorted.Count; i++)
        {
            Assert.True(sorted[i] - sorted[i - limit] >= window, $"start {i} came {(sorted[i] - sorted[i - limit]).TotalMilliseconds} ms after start {i - limit}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(35)]
    [InlineData(65)]
    [InlineData(400)]
    public void Calls_held_back_after_release_are_counted_when_they_go_out(int maxLateMs)
    {
        // The schedule as the pacing thread drives it, with every released call going out up to maxLateMs late (a late
        // timer, a busy thread pool, a collection): whatever the lateness, no window holds more than the limit.
        var schedule = new PacingSchedule(100, Window, TimeSpan.FromTicks(Window.Ticks / 200));
        var random = new Random(maxLateMs);
        var now = TimeSpan.Zero;
        var goingOut = new List<TimeSpan>();   // when each released call will try to start
        var started = new List<TimeSpan>();
        var waiting = 2000;
        var refused = 0;
        while (started.Count < 2000)
        {
            var next = waiting > 0 ? schedule.NextRelease(now) : TimeSpan.MaxValue;
            var due = goingOut.Count > 0 ? goingOut.Min() : TimeSpan.MaxValue;
            if (next <= now && waiting > 0)
            {
                schedule.Release(now);
                waiting--;
                goingOut.Add(now + TimeSpan.FromMilliseconds(random.Next(maxLateMs + 1)));
                continue;
            }
            now = next < due ? next : due;
            if (due <= now)
            {
                goingOut.Remove(due);
                if (schedule.TryStart(now, out _)) started.Add(now);
                else { refused++; waiting++; }
            }
        }
        AssertAtMostPerWindow(started, 100, Window);
        Assert.Equal(0, schedule.Released);
        if (maxLateMs == 0) Assert.Equal(0, refused);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    [InlineData(400)]
    public void Calls_whose_request_went_out_late_count_from_when_it_went_out(int maxSendDelayMs)
    {
        // Each call starts when released, but its request is written up to maxSendDelayMs later (a busy machine
        // between the start and the socket). Counted from when they were written, no window holds more than the limit.
        var schedule = new PacingSchedule(100, Window, TimeSpan.FromTicks(Window.Ticks / 200));
        var random = new Random(maxSendDelayMs + 1);
        var now = TimeSpan.Zero;
        var writing = new List<(TimeSpan Due, long Id)>();
        var written = new List<TimeSpan>();
        var toStart = 2000;
        while (written.Count < 2000)
        {
            var next = toStart > 0 ? schedule.NextRelease(now) : TimeSpan.MaxValue;
            var due = writing.Count > 0 ? writing.Min(w => w.Due) : TimeSpan.MaxValue;
            if (toStart > 0 && next <= now)
            {
                schedule.Release(now);
                Assert.True(schedule.TryStart(now, out var id));
                toStart--;
                writing.Add((now + TimeSpan.FromMilliseconds(random.Next(maxSendDelayMs + 1)), id));
                continue;
            }
            now = next < due ? next : due;
            foreach (var w in writing.Where(w => w.Due <= now).ToList())
            {
                writing.Remove(w);
                schedule.Sent(w.Id, w.Due);
                written.Add(w.Due);
            }
        }
        written.Sort();
        AssertAtMostPerWindow(written, 100, Window);
    }

    [Fact]
    public async Task On_a_test_clock_starts_keep_the_limit_and_the_spacing_and_lose_no_time()
    {
        var clock = new InstantClock();
        var limiter = new CallRateLimiter(100, clock, TimeSpan.FromSeconds(1));
        var starts = new List<TimeSpan>();
        for (var i = 0; i < 350; i++)
        {
            await limiter.WaitAsync(default);
            starts.Add(clock.Elapsed);
        }
        AssertAtMostPerWindow(starts, 100, TimeSpan.FromSeconds(1));
        for (var i = 1; i < starts.Count; i++)
        {
            Assert.True(starts[i] - starts[i - 1] >= limiter.Spacing, $"call {i} started {starts[i] - starts[i - 1]} after call {i - 1}");
        }
        Assert.Equal(TimeSpan.FromMilliseconds(5), limiter.Spacing);
        // Three full windows, then 50 calls 5 ms apart: no time is lost beyond the rules.
        Assert.Equal(TimeSpan.FromMilliseconds(3000 + 49 * 5), starts.Last());
    }

    [Fact]
    public void A_release_the_pacer_made_a_little_late_keeps_the_schedule_and_the_ones_held_back_catch_up()
    {
        // Issue 25: the pacing thread wakes up to a millisecond late (more under a collection or a busy scheduler);
        // carried into every next release, that made the first window's 5.2 ms spacing about 6.3 ms.
        var spacing = TimeSpan.FromTicks(Window.Ticks / 200);
        var schedule = new PacingSchedule(100, Window, spacing);
        var ms = (double m) => TimeSpan.FromMilliseconds(m);
        Release(schedule, TimeSpan.Zero);
        Assert.Equal(spacing, schedule.NextRelease(TimeSpan.Zero));
        Release(schedule, ms(6.1));
        Assert.Equal(spacing + spacing, schedule.NextRelease(ms(6.1)));
        // 12 ms late (a collection's pause): the two releases it held back are due at once, then the spacing again.
        var late = spacing + spacing + ms(12);
        Assert.Equal(3, ReleasesAt(schedule, late));
        Assert.Equal(TimeSpan.FromTicks(5 * spacing.Ticks), schedule.NextRelease(late));
    }

    [Fact]
    public void At_most_four_releases_go_back_to_back_and_a_longer_stall_spaces_the_next_from_itself()
    {
        var spacing = TimeSpan.FromTicks(Window.Ticks / 200);
        var schedule = new PacingSchedule(100, Window, spacing);
        Release(schedule, TimeSpan.Zero);
        // Three spacings late: the late one and three held back, four in all.
        var late = spacing + TimeSpan.FromTicks(3 * spacing.Ticks);
        Assert.Equal(PacingSchedule.MaxCatchUpCalls, ReleasesAt(schedule, late));
        // Four spacings late, past the catch-up: one release, the next a spacing after it (no burst).
        var stalled = schedule.NextRelease(late) + TimeSpan.FromTicks(4 * spacing.Ticks);
        Assert.Equal(1, ReleasesAt(schedule, stalled));
        Assert.Equal(stalled + spacing, schedule.NextRelease(stalled));
    }

    [Fact]
    public void A_call_that_came_after_its_release_was_due_catches_nothing_up()
    {
        // Demand, not the pacer, was late: the call began to wait 12 ms after the schedule allowed it.
        var spacing = TimeSpan.FromTicks(Window.Ticks / 200);
        var schedule = new PacingSchedule(100, Window, spacing);
        Release(schedule, TimeSpan.Zero);
        var came = spacing + TimeSpan.FromMilliseconds(12);
        schedule.Release(came, waitingSince: came);
        Assert.True(schedule.TryStart(came, out _));
        Assert.Equal(came + spacing, schedule.NextRelease(came));
    }

    [Fact]
    public void At_a_low_pace_a_release_a_little_late_brings_no_two_releases_together()
    {
        // Releases 173 ms apart (the spacing of 3 calls/s; the window left wide, so that only the spacing speaks): 15 ms
        // late is made good (the next one is due 173 ms after this one was due, 158 ms after it went), never at once;
        // 30 ms late, past the 20 ms, spaces the next from itself.
        var slow = TimeSpan.FromTicks(Window.Ticks / 6);
        var ms = (double m) => TimeSpan.FromMilliseconds(m);
        var schedule = new PacingSchedule(100, Window, slow);
        Release(schedule, TimeSpan.Zero);
        Assert.Equal(1, ReleasesAt(schedule, slow + ms(15)));
        Assert.Equal(slow + slow, schedule.NextRelease(slow + ms(15)));
        var stalled = slow + slow + ms(30);
        Assert.Equal(1, ReleasesAt(schedule, stalled));
        Assert.Equal(stalled + slow, schedule.NextRelease(stalled));
    }

    /// <summary>Releases and starts every call the schedule lets go at <paramref name="at"/>, as the pacing thread does; how many.</summary>
    private static int ReleasesAt(PacingSchedule schedule, TimeSpan at)
    {
        var count = 0;
        while (schedule.NextRelease(at) <= at)
        {
            Release(schedule, at);
            count++;
        }
        return count;
    }

    private static void Release(PacingSchedule schedule, TimeSpan at)
    {
        schedule.Release(at, waitingSince: TimeSpan.Zero);
        Assert.True(schedule.TryStart(at, out _));
    }

    [Fact]
    public async Task Without_a_limit_it_never_waits()
    {
        var clock = new InstantClock();
        var limiter = new CallRateLimiter(0, clock);
        for (var i = 0; i < 1000; i++) await limiter.WaitAsync(default);
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
    }

    /// <summary>Real time, not the shared SystemClock: the pacing thread is asked for explicitly.</summary>
    private sealed class StopwatchClock : IClock
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
        public TimeSpan Elapsed => _watch.Elapsed;
        public uint CoarseMilliseconds => unchecked((uint)_watch.ElapsedMilliseconds);
        public Task Delay(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, cancellationToken);
    }

    [Fact]
    public async Task The_pacing_thread_lets_no_more_than_the_limit_through_in_the_first_window_and_serves_everyone()
    {
        // Whatever the machine's speed: a call that returned within 500 ms of the test's start also started within
        // them, so no more than the limit can have returned by then.
        var clock = new StopwatchClock();
        var limiter = new CallRateLimiter(20, clock, TimeSpan.FromMilliseconds(500), dedicatedThread: true);
        var returned = new List<TimeSpan>();
        var begin = clock.Elapsed;
        var tasks = Enumerable.Range(0, 25).Select(async _ =>
        {
            for (var i = 0; i < 3; i++)
            {
                await limiter.WaitAsync(default);
                lock (returned) returned.Add(clock.Elapsed);
            }
        }).ToArray();
        await Task.WhenAll(tasks);
        Assert.Equal(75, returned.Count);
        returned.Sort();
        var early = returned.Count(t => t < begin + TimeSpan.FromMilliseconds(500));
        Assert.True(early <= 20, $"{early} calls returned within 500 ms: " + string.Join(", ", returned.Select(t => (t - begin).TotalMilliseconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_the_others_still_go()
    {
        // The pacing thread on a clock that moves only when told: the cancelled waiter cannot be released first.
        var clock = new ManualClock();
        var limiter = new CallRateLimiter(2, clock, TimeSpan.FromMilliseconds(300), dedicatedThread: true);
        await limiter.WaitAsync(default);
        var second = limiter.WaitAsync(default);
        clock.Advance(TimeSpan.FromMilliseconds(75));
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource();
        var cancelled = limiter.WaitAsync(cancel.Token);
        var next = limiter.WaitAsync(default);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(next.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(300));
        await next.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(next.IsCompletedSuccessfully);
    }
}
