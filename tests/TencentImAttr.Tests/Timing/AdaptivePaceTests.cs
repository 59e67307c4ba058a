using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Operations;
using TencentImAttr.Core.Timing;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Timing;

/// <summary>
/// The adaptive pace on a test clock: a server that refuses our calls above a share of the quota (the rest taken by
/// other traffic) makes the pace drop, and the pace climbs back while calls succeed, never above the limit.
/// Simulated time only: nothing here depends on how fast the machine is.
/// </summary>
public class AdaptivePaceTests
{
    private sealed class SharedQuotaServer
    {
        private readonly Queue<TimeSpan> _accepted = new();
        private readonly int _share;
        public SharedQuotaServer(int share) => _share = share;

        /// <summary>Whether a call arriving at <paramref name="now"/> is accepted: at most the share in any second.</summary>
        public bool Accept(TimeSpan now)
        {
            while (_accepted.Count > 0 && now - _accepted.Peek() >= TimeSpan.FromSeconds(1)) _accepted.Dequeue();
            if (_accepted.Count >= _share) return false;
            _accepted.Enqueue(now);
            return true;
        }
    }

    [Fact]
    public async Task Refusals_above_a_share_lower_the_pace_and_successes_bring_it_back_never_above_the_limit()
    {
        var clock = new InstantClock();
        var limiter = new CallRateLimiter(100, clock);
        var server = new SharedQuotaServer(60);
        int calls = 0, refused = 0, acceptedLate = 0, highest = 0, lowest = int.MaxValue;
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            await limiter.WaitAsync(default);
            calls++;
            if (server.Accept(clock.Elapsed))
            {
                if (clock.Elapsed >= TimeSpan.FromSeconds(60)) acceptedLate++;
                limiter.OnSucceeded();
            }
            else
            {
                refused++;
                limiter.OnRateLimited();
            }
            highest = Math.Max(highest, limiter.CurrentPace);
            lowest = Math.Min(lowest, limiter.CurrentPace);
        }
        Assert.True(highest <= 100, $"pace rose to {highest}");
        Assert.True(lowest < 60, $"the pace never went under the share (lowest {lowest})");
        // In the second minute the pace saws between 90 % and a little over the share: most of the share is used,
        // and few calls are refused.
        Assert.True(acceptedLate >= 0.9 * 60 * 60, $"{acceptedLate} calls accepted in the second minute, of a share of {60 * 60}");
        Assert.True(refused < 0.02 * calls, $"{refused} of {calls} calls refused");
    }

    [Fact]
    public async Task Without_refusals_the_pace_climbs_back_to_the_limit_and_stays_there()
    {
        var clock = new InstantClock();
        var limiter = new CallRateLimiter(100, clock);
        Assert.Equal((100, 90), limiter.OnRateLimited());
        Assert.Null(limiter.OnRateLimited()); // the same window's refusals answer the same pace
        for (var i = 0; i < 3000; i++)
        {
            await limiter.WaitAsync(default);
            limiter.OnSucceeded();
        }
        Assert.Equal(100, limiter.CurrentPace);
        await clock.Delay(TimeSpan.FromSeconds(2), default);
        Assert.Equal((100, 90), limiter.OnRateLimited());
    }

    [Fact]
    public void An_unlimited_connection_does_not_adapt()
    {
        var limiter = new CallRateLimiter(0, new InstantClock());
        Assert.Null(limiter.OnRateLimited());
        Assert.Equal(0, limiter.CurrentPace);
    }

    [Fact]
    public void A_rate_limited_answer_lowers_the_connections_pace_says_so_in_verbose_and_is_counted()
    {
        var stub = new StubHttpHandler().Enqueue(StubResponse.Fail(60007, "rate limited"), StubResponse.Http(429));
        using var connection = TestConnections.Open(stub, callsPerSecond: 100);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions(), sink);
        engine.Add(Items.Set("alice", new Hashtable { ["city"] = "Tokyo" }, ImService.AllMemberPush).Result!);
        engine.Complete();
        Assert.Single(sink.Results);
        Assert.Contains(sink.Verbose, l => l.Contains("pace lowered from 100 to 90 calls/s", StringComparison.Ordinal));
        Assert.Equal(90, connection.LimiterFor("im_set_attr").CurrentPace);
        Assert.Equal(3, engine.Counters.Attempts);
        Assert.Equal(2, engine.Counters.Retries);
        Assert.Equal(2, engine.Counters.RateLimited);
        Assert.Equal(1, engine.Counters.PaceAdjustments);
        Assert.Equal(90, engine.Counters.LowestPace);
    }
}
