using System;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Retry;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Retry;

/// <summary>Retry-After on a 429 or 503 is the wait before the next attempt (seconds or an HTTP date), capped.</summary>
public class RetryAfterTests
{
    private static async Task<(InstantClock Clock, StubHttpHandler Stub)> CallAfter(StubResponse first)
    {
        var clock = new InstantClock();
        var stub = new StubHttpHandler().Enqueue(first, StubResponse.Ok());
        using var connection = TestConnections.Open(stub, clock: clock);
        await new CallSender(connection, null, null).CallAsync(ImOperation.GetAttributeNames, new EmptyRequest(), ImJsonContext.Default.EmptyRequest, ImJsonContext.Default.GetAttributeNamesResponse, default);
        return (clock, stub);
    }

    private static StubResponse With(int status, string name, string value)
    {
        var response = StubResponse.Http(status, "slow down");
        response.Headers[name] = value;
        return response;
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Seconds_are_the_wait_before_the_next_attempt(int status)
    {
        var (clock, stub) = await CallAfter(With(status, "Retry-After", "7"));
        Assert.Equal(TimeSpan.FromSeconds(7), clock.TotalDelay);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task An_http_date_is_measured_from_the_servers_date()
    {
        var response = With(503, "Retry-After", "Wed, 21 Oct 2015 07:28:03 GMT");
        response.Headers["Date"] = "Wed, 21 Oct 2015 07:28:00 GMT";
        var (clock, _) = await CallAfter(response);
        Assert.Equal(TimeSpan.FromSeconds(3), clock.TotalDelay);
    }

    [Fact]
    public async Task A_long_wait_is_capped()
    {
        var (clock, _) = await CallAfter(With(429, "Retry-After", "3600"));
        Assert.Equal(RetryPolicy.MaxRetryAfter, clock.TotalDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), RetryPolicy.MaxRetryAfter);
    }

    [Fact]
    public async Task A_date_in_the_past_means_at_once()
    {
        var response = With(429, "Retry-After", "Wed, 21 Oct 2015 07:27:00 GMT");
        response.Headers["Date"] = "Wed, 21 Oct 2015 07:28:00 GMT";
        var (clock, _) = await CallAfter(response);
        Assert.Equal(TimeSpan.Zero, clock.TotalDelay);
    }

    [Fact]
    public async Task Without_retry_after_the_backoff_applies_and_other_statuses_ignore_the_header()
    {
        // A rate limit backs off from 0.5 s; a 502 says nothing about pace and backs off from 0.1 s.
        var (clock, _) = await CallAfter(StubResponse.Http(429));
        Assert.InRange(clock.TotalDelay.TotalMilliseconds, 250, 500);
        (clock, _) = await CallAfter(With(502, "Retry-After", "7"));
        Assert.InRange(clock.TotalDelay.TotalMilliseconds, 50, 100);
    }

    [Fact]
    public void Backoff_is_equal_jitter_between_half_and_all_of_the_ceiling()
    {
        var policy = new RetryPolicy(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
        for (var retry = 1; retry <= 10; retry++)
        {
            var ceiling = Math.Min(2000, 100 * Math.Pow(2, retry - 1));
            for (var i = 0; i < 50; i++) Assert.InRange(policy.DelayBefore(retry).TotalMilliseconds, ceiling / 2, ceiling);
        }
    }

    [Fact]
    public void A_failure_that_is_not_a_rate_limit_backs_off_from_a_tenth_of_a_second()
    {
        var policy = new RetryPolicy();
        for (var retry = 1; retry <= 6; retry++)
        {
            var plain = Math.Min(RetryPolicy.MaxPlainDelay.TotalMilliseconds, RetryPolicy.PlainBaseDelay.TotalMilliseconds * Math.Pow(2, retry - 1));
            var limited = Math.Min(policy.MaxDelay.TotalMilliseconds, policy.BaseDelay.TotalMilliseconds * Math.Pow(2, retry - 1));
            for (var i = 0; i < 50; i++)
            {
                Assert.InRange(policy.DelayBefore(retry, rateLimited: false).TotalMilliseconds, plain / 2, plain);
                Assert.InRange(policy.DelayBefore(retry, rateLimited: true).TotalMilliseconds, limited / 2, limited);
            }
        }
        Assert.Equal(TimeSpan.FromMilliseconds(100), RetryPolicy.PlainBaseDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(500), policy.BaseDelay);
    }

    [Fact]
    public void A_failure_that_is_not_a_rate_limit_backs_off_at_most_a_second()
    {
        var policy = new RetryPolicy(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30));
        for (var retry = 1; retry <= 10; retry++)
        {
            var plain = Math.Min(RetryPolicy.MaxPlainDelay.TotalMilliseconds, 100 * Math.Pow(2, retry - 1));
            var limited = Math.Min(30_000, 100 * Math.Pow(2, retry - 1));
            for (var i = 0; i < 50; i++)
            {
                Assert.InRange(policy.DelayBefore(retry, rateLimited: false).TotalMilliseconds, plain / 2, plain);
                Assert.InRange(policy.DelayBefore(retry, rateLimited: true).TotalMilliseconds, limited / 2, limited);
            }
        }
        var serverError = ImApiException.FromCode("im_set_attr", 91000, "busy");
        var rateLimit = ImApiException.FromCode("im_set_attr", 60007, "too fast");
        Assert.InRange(policy.DelayAfter(serverError, 8).TotalMilliseconds, 500, 1000);
        Assert.InRange(policy.DelayAfter(rateLimit, 8).TotalMilliseconds, 6400, 12800);
    }
}
