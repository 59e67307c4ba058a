using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Auth;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Operations;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Api;

public class ApiClientTests
{
    private static Task<ApiEnvelope> CallSet(ImConnection connection, CancellationToken token = default) =>
        new CallSender(connection, null, null).CallAsync(ImOperation.SetAttributes, new SetAttributesRequest(), ImJsonContext.Default.SetAttributesRequest,
            ImJsonContext.Default.ApiEnvelope, token);

    [Theory]
    [InlineData(ImService.AllMemberPush, nameof(ImOperation.SetAttributes), "v4/all_member_push/im_set_attr")]
    [InlineData(ImService.AllMemberPush, nameof(ImOperation.GetAttributes), "v4/all_member_push/im_get_attr")]
    [InlineData(ImService.AllMemberPush, nameof(ImOperation.RemoveAttributes), "v4/all_member_push/im_remove_attr")]
    [InlineData(ImService.AllMemberPush, nameof(ImOperation.GetAttributeNames), "v4/all_member_push/im_get_attr_name")]
    [InlineData(ImService.AllMemberPush, nameof(ImOperation.SetAttributeNames), "v4/all_member_push/im_set_attr_name")]
    [InlineData(ImService.Push, nameof(ImOperation.SetAttributes), "v4/timpush/set_attr")]
    [InlineData(ImService.Push, nameof(ImOperation.GetAttributes), "v4/timpush/get_attr")]
    [InlineData(ImService.Push, nameof(ImOperation.RemoveAttributes), "v4/timpush/remove_attr")]
    [InlineData(ImService.Push, nameof(ImOperation.GetAttributeNames), "v4/timpush/get_attr_name")]
    [InlineData(ImService.Push, nameof(ImOperation.SetAttributeNames), "v4/timpush/set_attr_name")]
    public void Routes_follow_the_family(ImService service, string operationName, string path) =>
        Assert.Equal(path, ImApiRoutes.Path(service, Enum.Parse<ImOperation>(operationName)));

    [Theory]
    [InlineData("China", "https://console.tim.qq.com/")]
    [InlineData("singapore", "https://adminapisgp.im.qcloud.com/")]
    [InlineData("Seoul", "https://adminapikr.im.qcloud.com/")]
    [InlineData("Tokyo", "https://adminapijpn.im.qcloud.com/")]
    [InlineData("Frankfurt", "https://adminapiger.im.qcloud.com/")]
    [InlineData("Silicon Valley", "https://adminapiusa.im.qcloud.com/")]
    [InlineData("Jakarta", "https://adminapiidn.im.qcloud.com/")]
    [InlineData("Mumbai", "https://adminapiind.im.qcloud.com/")]
    public void Regions_map_to_their_domains(string region, string uri) =>
        Assert.Equal(new Uri(uri), ImRegions.BaseUri(region));

    [Fact]
    public void Backup_domains_and_unknown_regions()
    {
        Assert.Equal(new Uri("https://adminapi.my-imcloud.com/"), ImRegions.BaseUri("China", backup: true));
        var e = Assert.Throws<ArgumentException>(() => ImRegions.BaseUri("Atlantis"));
        Assert.Contains("Singapore", e.Message);
        Assert.Equal("Tokyo", ImRegions.RegionOf(new Uri("https://adminapijpn.my-imcloud.com/x")));
    }

    [Fact]
    public async Task Query_string_carries_the_signed_parameters_and_a_fresh_random_per_attempt()
    {
        var stub = new StubHttpHandler().Enqueue(StubResponse.Fail(91000), StubResponse.Ok());
        using var connection = TestConnections.Open(stub);
        await CallSet(connection);
        Assert.Equal(2, stub.Requests.Count);
        foreach (var r in stub.Requests)
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("/v4/all_member_push/im_set_attr", r.Uri.AbsolutePath);
            Assert.Equal(new[] { "usersig", "identifier", "sdkappid", "random", "contenttype" }, r.Query.Keys.ToArray());
            Assert.Equal("test-usersig", r.Query["usersig"]);
            Assert.Equal("administrator", r.Query["identifier"]);
            Assert.Equal("1400000000", r.Query["sdkappid"]);
            Assert.Equal("json", r.Query["contenttype"]);
            Assert.True(uint.TryParse(r.Query["random"], out _));
        }
        Assert.NotEqual(stub.Requests[0].Query["random"], stub.Requests[1].Query["random"]);
    }

    [Fact]
    public async Task The_wire_trace_shows_each_attempt_without_the_usersig_and_cuts_long_bodies()
    {
        const string sig = "sig-a*b-c_d+e/f=-0123456789abcdef";
        var echo = "{\"ActionStatus\":\"FAIL\",\"ErrorCode\":91000,\"ErrorInfo\":\"bad usersig=" + Uri.EscapeDataString(sig) + " " + sig + "\",\"pad\":\"" + string.Concat(Enumerable.Repeat("ab cd ", 4000)) + "\"}";
        var stub = new StubHttpHandler().Enqueue(StubResponse.Json(echo), StubResponse.Ok());
        using var connection = TestConnections.Open(stub, userSig: sig);
        using var log = new QueuedCallLog(tracesWire: true);
        await new CallSender(connection, null, log).CallAsync(ImOperation.SetAttributes, new SetAttributesRequest(), ImJsonContext.Default.SetAttributesRequest,
            ImJsonContext.Default.ApiEnvelope, default);
        var lines = log.Drain().ToList();
        var debug = lines.Where(l => l.Debug).Select(l => l.Text).ToList();
        Assert.Equal(6, debug.Count); // two attempts: the call, the request body, the answer body
        Assert.Matches(@"^POST /v4/all_member_push/im_set_attr\?usersig=\*\*\*&identifier=administrator&sdkappid=1400000000&random=\d+&contenttype=json -> HTTP 200 OK \(ImApiError91000\) in [\d,]+ ms; sent \d+ bytes, received [\d,]+ bytes$", debug[0]);
        Assert.StartsWith("request body: {", debug[1], StringComparison.Ordinal);
        Assert.StartsWith("answer body: {\"ActionStatus\":\"FAIL\"", debug[2], StringComparison.Ordinal);
        Assert.InRange(debug[2].Length, WireTrace.BodyChars, WireTrace.BodyChars + 40); // cut at a few KB
        Assert.EndsWith("...", debug[2], StringComparison.Ordinal);
        Assert.Matches(@"-> HTTP 200 OK in [\d,]+ ms", debug[3]);
        Assert.All(debug, l => Assert.DoesNotContain("0123456789abcdef", l, StringComparison.Ordinal));
        // The verbose lines are still there, in their place after the attempt's trace.
        Assert.Contains(lines, l => !l.Debug && l.Text.Contains("attempt 1", StringComparison.Ordinal));

        // Without -Debug the client traces nothing.
        using var quiet = new QueuedCallLog();
        stub.Enqueue(StubResponse.Ok());
        await new CallSender(connection, null, quiet).CallAsync(ImOperation.SetAttributes, new SetAttributesRequest(), ImJsonContext.Default.SetAttributesRequest,
            ImJsonContext.Default.ApiEnvelope, default);
        Assert.DoesNotContain(quiet.Drain(), l => l.Debug);
    }

    [Fact]
    public void Random_covers_the_unsigned_32_bit_range()
    {
        var values = Enumerable.Range(0, 4000).Select(_ => ImApiClient.NextRandom()).ToList();
        Assert.Contains(values, v => v > int.MaxValue);
        Assert.Contains(values, v => v < uint.MaxValue / 4);
        Assert.True(values.Distinct().Count() > 3990);
    }

    [Fact]
    public async Task Signature_is_escaped_in_the_query()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub, userSig: "a*b-c_d+e/f=");
        await CallSet(connection);
        Assert.Contains("usersig=a%2Ab-c_d%2Be%2Ff%3D", stub.Requests[0].Uri.AbsoluteUri);
        Assert.Equal("a*b-c_d+e/f=", stub.Requests[0].Query["usersig"]);
    }

    [Fact]
    public async Task Unknown_fields_in_the_envelope_are_ignored()
    {
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"RequestId\":\"abc\",\"Extra\":{\"x\":[1,2]}}");
        using var connection = TestConnections.Open(stub);
        var response = await CallSet(connection);
        Assert.Equal("OK", response.ActionStatus);
    }

    public static TheoryData<string, int, string, ImFailureKind, string> BadAnswers => new()
    {
        { "<html><body>Bad gateway</body></html>", 502, "ImHttpError502", ImFailureKind.Http, "HTTP 502" },
        { "", 503, "ImHttpError503", ImFailureKind.Http, "HTTP 503" },
        { "denied", 403, "ImHttpError403", ImFailureKind.Http, "denied" },
        { "", 200, "ImMalformedResponse", ImFailureKind.MalformedResponse, "empty" },
        { "<!DOCTYPE html><html>captive portal</html>", 200, "ImMalformedResponse", ImFailureKind.MalformedResponse, "HTML" },
        { "{\"ActionStatus\":\"OK\",\"Error", 200, "ImMalformedResponse", ImFailureKind.MalformedResponse, "truncated" },
        { "{\"status\":\"fine\"}", 200, "ImMalformedResponse", ImFailureKind.MalformedResponse, "no ActionStatus" },
        { "[1,2,3]", 200, "ImMalformedResponse", ImFailureKind.MalformedResponse, "not valid JSON" },
        { "{\"ActionStatus\":\"FAIL\",\"ErrorCode\":0}", 200, "ImMalformedResponse", ImFailureKind.MalformedResponse, "no error code" },
        { "{\"ActionStatus\":\"OK\",\"ErrorCode\":90033,\"ErrorInfo\":\"bad attr\"}", 200, "ImApiError90033", ImFailureKind.Api, "90033" },
    };

    [Theory]
    [MemberData(nameof(BadAnswers))]
    public async Task Bad_answers_become_clear_errors(string body, int status, string errorId, ImFailureKind kind, string messagePart)
    {
        var stub = new StubHttpHandler().Enqueue(status == 200 ? StubResponse.Json(body) : StubResponse.Http(status, body));
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        var e = await Assert.ThrowsAsync<ImApiException>(() => CallSet(connection));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(kind, e.Kind);
        Assert.Contains(messagePart, e.Message);
        Assert.Contains("im_set_attr", e.Message);
        Assert.Equal("im_set_attr", e.ApiName);
    }

    [Fact]
    public async Task Api_error_carries_code_info_and_category()
    {
        var stub = new StubHttpHandler().Enqueue(StubResponse.Fail(90009, "need admin"));
        using var connection = TestConnections.Open(stub);
        var e = await Assert.ThrowsAsync<ImApiException>(() => CallSet(connection));
        Assert.Equal(90009, e.ErrorCode);
        Assert.Equal("need admin", e.ErrorInfo);
        Assert.False(e.IsTransient);
        Assert.Equal(ImErrorCategory.PermissionDenied, e.Category);
        Assert.Single(stub.Requests);
    }

    [Theory]
    [InlineData(70016)]
    [InlineData(70020)]
    public async Task Region_errors_hint_at_the_region(int code)
    {
        var stub = new StubHttpHandler().Enqueue(StubResponse.Fail(code, "not found"));
        using var connection = TestConnections.Open(stub);
        var e = await Assert.ThrowsAsync<ImApiException>(() => CallSet(connection));
        Assert.Contains("-Region", e.Message);
    }

    [Theory]
    [InlineData(60007)] [InlineData(60008)] [InlineData(60011)] [InlineData(60014)] [InlineData(60018)] [InlineData(60019)]
    [InlineData(70169)] [InlineData(70500)] [InlineData(90994)] [InlineData(90995)] [InlineData(91000)]
    public async Task Transient_codes_are_retried(int code)
    {
        var stub = new StubHttpHandler().Enqueue(StubResponse.Fail(code), StubResponse.Fail(code), StubResponse.Ok());
        using var connection = TestConnections.Open(stub);
        await CallSet(connection);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Theory]
    [InlineData(60002)] [InlineData(60004)] [InlineData(60006)] [InlineData(60010)] [InlineData(70003)] [InlineData(70016)]
    [InlineData(70107)] [InlineData(90001)] [InlineData(90009)] [InlineData(90018)] [InlineData(90033)]
    public async Task Permanent_codes_are_never_retried(int code)
    {
        var stub = new StubHttpHandler().Enqueue(StubResponse.Fail(code), StubResponse.Ok());
        using var connection = TestConnections.Open(stub);
        await Assert.ThrowsAsync<ImApiException>(() => CallSet(connection));
        Assert.Single(stub.Requests);
    }

    [Theory]
    [InlineData(429)] [InlineData(500)] [InlineData(502)] [InlineData(503)] [InlineData(504)]
    public async Task Transient_http_statuses_are_retried(int status)
    {
        var stub = new StubHttpHandler().Enqueue(StubResponse.Http(status), StubResponse.Ok());
        using var connection = TestConnections.Open(stub);
        await CallSet(connection);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task Retries_stop_at_MaxRetry_and_say_how_many_attempts()
    {
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Fail(91000) };
        var clock = new InstantClock();
        using var connection = TestConnections.Open(stub, clock: clock, maxRetry: 3);
        var e = await Assert.ThrowsAsync<ImApiException>(() => CallSet(connection));
        Assert.Equal(4, stub.Requests.Count);
        Assert.Contains("after 4 attempts", e.Message);
        // Backoff after a failure that is not a rate limit: retry n waits between half and all of min(1 s, 0.1 s x
        // 2^(n-1)): 0.1 + 0.2 + 0.4 s of ceiling, 0.35 s to 0.7 s in all.
        Assert.InRange(clock.TotalDelay.TotalSeconds, 0.35, 0.7);
    }

    [Fact]
    public async Task Rate_limits_back_off_further_than_other_failures()
    {
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Fail(60007) };
        var clock = new InstantClock();
        using var connection = TestConnections.Open(stub, clock: clock, maxRetry: 3);
        await Assert.ThrowsAsync<ImApiException>(() => CallSet(connection));
        Assert.Equal(4, stub.Requests.Count);
        // A rate limit says the calls came too fast: retry n waits between half and all of 0.5 s x 2^(n-1).
        Assert.InRange(clock.TotalDelay.TotalSeconds, 1.75, 3.5);
    }

    [Fact]
    public void Backoff_grows_exponentially_with_jitter_and_a_ceiling()
    {
        var policy = new Core.Retry.RetryPolicy(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));
        for (var retry = 1; retry <= 10; retry++)
        {
            var ceiling = Math.Min(2000, 100 * Math.Pow(2, retry - 1));
            var delays = Enumerable.Range(0, 50).Select(_ => policy.DelayBefore(retry).TotalMilliseconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, ceiling / 2, ceiling));
            Assert.True(delays.Distinct().Count() > 1);
        }
    }

    [Fact]
    public async Task Connection_resets_and_stalls_are_retried_and_reported_as_transport_and_timeout()
    {
        var stub = new StubHttpHandler().Enqueue(StubResponse.Reset(), StubResponse.Stalled(), StubResponse.Ok());
        // The timeout also bounds the answer that succeeds: long enough for a loaded machine.
        using var connection = TestConnections.Open(stub, timeout: TimeSpan.FromSeconds(2));
        await CallSet(connection);
        Assert.Equal(3, stub.Requests.Count);

        var failing = new StubHttpHandler { Responder = _ => StubResponse.Stalled() };
        using var c2 = TestConnections.Open(failing, maxRetry: 1, timeout: TimeSpan.FromMilliseconds(100));
        var e = await Assert.ThrowsAsync<ImApiException>(() => CallSet(c2));
        Assert.Equal("ImRequestTimeout", e.ErrorId);
        Assert.Equal(ImErrorCategory.OperationTimeout, e.Category);

        var resetting = new StubHttpHandler { Responder = _ => StubResponse.Reset() };
        using var c3 = TestConnections.Open(resetting, maxRetry: 0);
        e = await Assert.ThrowsAsync<ImApiException>(() => CallSet(c3));
        Assert.Equal("ImConnectionFailed", e.ErrorId);
        Assert.Contains("reset", e.Message);
    }

    [Fact]
    public async Task Cancellation_interrupts_a_retry_wait()
    {
        var clock = new ManualClock();
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Fail(91000) };
        using var connection = TestConnections.Open(stub, clock: clock);
        using var cts = new CancellationTokenSource();
        var call = CallSet(connection, cts.Token);
        await WaitUntil(() => clock.PendingDelays == 1);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Expired_usersig_is_regenerated_once_and_retried()
    {
        var clock = new ManualClock();
        var first = true;
        var stub = new StubHttpHandler
        {
            Responder = _ =>
            {
                if (!first) return StubResponse.Ok();
                first = false;
                clock.Advance(TimeSpan.FromSeconds(5));
                return StubResponse.Fail(70001, "expired");
            },
        };
        using var connection = TestConnections.Open(stub, secretKey: TestConnections.SampleKey, clock: clock);
        await CallSet(connection);
        Assert.Equal(2, stub.Requests.Count);
        Assert.NotEqual(stub.Requests[0].Query["usersig"], stub.Requests[1].Query["usersig"]);

        // Calls that fail together with one UserSig make one new UserSig, not one each. The four failures are held
        // until all four calls are in, and the clock moves on first, so the renewal makes a sig that differs.
        var clock2 = new ManualClock();
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        var together = new StubHttpHandler
        {
            Responder = r =>
            {
                seen.Enqueue(r.Query["usersig"]);
                var n = Interlocked.Increment(ref arrived);
                if (n > 4) return StubResponse.Ok();
                if (n == 4)
                {
                    clock2.Advance(TimeSpan.FromSeconds(5));
                    allIn.TrySetResult();
                }
                var expired = StubResponse.Fail(70001, "expired");
                expired.Gate = allIn.Task;
                return expired;
            },
        };
        using (var c4 = TestConnections.Open(together, secretKey: TestConnections.SampleKey, clock: clock2))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CallSet(c4)).ToList()).WaitAsync(TimeSpan.FromMinutes(1));
            // Two sigs made in all: the first, and one renewal (renewals at one instant would look alike on the wire).
            Assert.Equal(2, c4.UserSig.Recent().Length);
        }
        Assert.Equal(8, seen.Count);
        Assert.Equal(2, seen.Distinct().Count());

        var always = new StubHttpHandler { Responder = _ => StubResponse.Fail(70052, "invalidated") };
        using var c2 = TestConnections.Open(always, secretKey: TestConnections.SampleKey, clock: new ManualClock());
        var e = await Assert.ThrowsAsync<ImApiException>(() => CallSet(c2));
        Assert.Equal(70052, e.ErrorCode);
        Assert.Equal(2, always.Requests.Count);

        // A ready UserSig cannot be renewed: the error goes straight to the user.
        var given = new StubHttpHandler().Enqueue(StubResponse.Fail(70001, "expired"));
        using var c3 = TestConnections.Open(given);
        await Assert.ThrowsAsync<ImApiException>(() => CallSet(c3));
        Assert.Single(given.Requests);
    }

    [Fact]
    public async Task Generated_usersig_verifies_with_the_key()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub, secretKey: TestConnections.SampleKey);
        await CallSet(connection);
        Assert.True(UserSigInfo.TryParse(stub.Requests[0].Query["usersig"], out var info));
        Assert.True(info!.IsSignedWith(System.Text.Encoding.UTF8.GetBytes(TestConnections.SampleKey)));
        Assert.Equal("administrator", info.Identifier);
        Assert.Equal(TestConnections.AppId, info.SdkAppId);
        Assert.Equal("SecretKey", connection.Authentication);
        Assert.NotNull(connection.UserSigExpiresAt);
    }

    [Fact]
    public async Task Quota_limits_calls_per_second_per_api()
    {
        // 3 calls per 1,040 ms window, released 1040 / 6 = 173.3 ms apart on a grid that a release late by up to
        // PacingSchedule.MaxCatchUp keeps (the test moves the clock to 173.4, and the next may still start at 346.67),
        // each counted in the window from the moment it starts: 0, 173.4, 346.7, then 1040 (the
        // first call's window is full until then). The clock then jumps to 1386.7: only one call starts there (a late
        // start is counted when it happens, so two cannot bunch), the next one 173.3 ms later, then 2080.
        var clock = new ManualClock();
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub, clock: clock, callsPerSecond: 3);
        var calls = Enumerable.Range(0, 7).Select(_ => CallSet(connection)).ToList();
        await WaitUntil(() => stub.Requests.Count == 1 && clock.PendingDelays == 6);
        // Another API has its own quota.
        await new CallSender(connection, null, null).CallAsync(ImOperation.GetAttributeNames, new EmptyRequest(), ImJsonContext.Default.EmptyRequest, ImJsonContext.Default.GetAttributeNamesResponse, default);
        Assert.Equal(2, stub.Requests.Count);
        async Task At(double ms, int requests)
        {
            clock.Advance(TimeSpan.FromMilliseconds(ms) - clock.Elapsed);
            // Every call not yet started is waiting on the clock again before it moves on (8 = the 7 sets and the
            // names call), so no waiter's delay is measured from a time the clock has already left.
            await WaitUntil(() => stub.Requests.Count == requests && clock.PendingDelays == 8 - requests);
            await Task.Delay(20);
            Assert.Equal(requests, stub.Requests.Count);
        }
        await At(173.3, 2);
        await At(173.4, 3);
        await At(346.6, 3);
        await At(346.7, 4);
        await At(1039.9, 4);
        await At(1040, 5);
        await At(1386.7, 6);
        await At(1560.0, 6);
        await At(1560.1, 7);
        await At(2079.9, 7);
        await At(2080, 8);
        await Task.WhenAll(calls);
    }

    [Fact]
    public void Transport_is_https_except_to_loopback()
    {
        ImConnection.CheckTransport(new Uri("https://console.tim.qq.com/"));
        ImConnection.CheckTransport(new Uri("http://127.0.0.1:5080/"));
        ImConnection.CheckTransport(new Uri("http://localhost:5080/"));
        ImConnection.CheckTransport(new Uri("http://[::1]:5080/"));
        var e = Assert.Throws<ArgumentException>(() => ImConnection.CheckTransport(new Uri("http://console.tim.qq.com/")));
        Assert.Contains("HTTPS", e.Message);
        Assert.Throws<ArgumentException>(() => ImConnection.CheckTransport(new Uri("http://10.0.0.5/")));
        Assert.Throws<ArgumentException>(() => ImConnection.CheckTransport(new Uri("ftp://127.0.0.1/")));
    }

    [Theory]
    [InlineData("https://admin:s3cr%21t@console.tim.qq.com/")]
    [InlineData("http://admin:s3cr%21t@127.0.0.1:5080/")]
    [InlineData("http://admin:s3cr%21t@10.0.0.5/")]
    [InlineData("https://s3cr%21t@console.tim.qq.com/")]
    public void A_base_uri_with_user_info_is_refused_and_its_error_shows_neither_name_nor_password(string uri)
    {
        var e = Assert.Throws<ArgumentException>(() => ImConnection.CheckTransport(new Uri(uri)));
        Assert.Contains("user name or password", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("admin", e.Message, StringComparison.Ordinal);
        var settings = new ImConnectionSettings { SdkAppId = 1400000000, Identifier = "administrator", UserSig = "sig", BaseUri = new Uri(uri) };
        var opened = Assert.Throws<ArgumentException>(() => ImConnection.Open(settings, new StubHttpHandler()));
        Assert.DoesNotContain("s3cr", opened.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_attribute_names_are_read_in_slot_order_and_cached_for_completion()
    {
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"AttrNames\":{\"1\":\"city\",\"0\":\"sex\",\"2\":\"country\"}}");
        using var connection = TestConnections.Open(stub);
        var names = await AppAttributeNames.GetAsync(connection, null, default);
        Assert.Equal(new[] { "sex", "city", "country" }, names.Select(n => n.Name));
        Assert.Equal(new[] { 0, 1, 2 }, names.Select(n => n.Slot));
        Assert.Equal(new[] { "sex", "city", "country" }, connection.RegisteredNames);
        Assert.Equal("{}", stub.Requests[0].Body);
    }

    [Fact]
    public async Task App_attribute_names_request_has_the_documented_shape()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        var request = AppAttributeNames.BuildRequest(new[] { "sex", "city", "country" }, null, ImService.AllMemberPush);
        await AppAttributeNames.SetAsync(connection, request, null, default);
        Assert.Equal("{\"AttrNames\":{\"0\":\"sex\",\"1\":\"city\",\"2\":\"country\"}}", stub.Requests[0].Body);
        Assert.Equal(new[] { "sex", "city", "country" }, connection.RegisteredNames);
    }

    [Fact]
    public void App_attribute_name_rules()
    {
        Assert.Equal("TooManyAttributeNames", Assert.Throws<Core.Errors.ImInputException>(() => AppAttributeNames.BuildRequest(Enumerable.Range(0, 11).Select(i => "n" + i).ToArray(), null, ImService.AllMemberPush)).ErrorId);
        Assert.Equal("AttributeNameListEmpty", Assert.Throws<Core.Errors.ImInputException>(() => AppAttributeNames.BuildRequest(Array.Empty<string>(), null, ImService.AllMemberPush)).ErrorId);
        Assert.Equal("AttributeNameEmpty", Assert.Throws<Core.Errors.ImInputException>(() => AppAttributeNames.BuildRequest(new[] { "a", " " }, null, ImService.AllMemberPush)).ErrorId);
        Assert.Equal("AttributeNameTooLong", Assert.Throws<Core.Errors.ImInputException>(() => AppAttributeNames.BuildRequest(new[] { new string('n', 51) }, null, ImService.AllMemberPush)).ErrorId);
        Assert.Equal("DuplicateAttributeName", Assert.Throws<Core.Errors.ImInputException>(() => AppAttributeNames.BuildRequest(new[] { "a", "a" }, null, ImService.AllMemberPush)).ErrorId);
        Assert.Equal("AccountTypeNeedsPushService", Assert.Throws<Core.Errors.ImInputException>(() => AppAttributeNames.BuildRequest(new[] { "a" }, new[] { Models.AttributeAccountType.UserId }, ImService.AllMemberPush)).ErrorId);
        Assert.Equal("AccountTypeCountMismatch", Assert.Throws<Core.Errors.ImInputException>(() => AppAttributeNames.BuildRequest(new[] { "a", "b" }, new[] { Models.AttributeAccountType.UserId }, ImService.Push)).ErrorId);
        var typed = AppAttributeNames.BuildRequest(new[] { "a", "b" }, new[] { Models.AttributeAccountType.UserId, Models.AttributeAccountType.RegistrationId }, ImService.Push);
        Assert.Equal("{\"AttrNames\":{\"0\":\"a\",\"1\":\"b\"},\"AttrTypes\":{\"0\":0,\"1\":1}}", JsonSerializer.Serialize(typed, ImJsonContext.Default.SetAttributeNamesRequest));
    }

    // A liveness wait, not a timing assertion: generous, because a loaded machine can be slow to run continuations.
    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "The condition did not become true within 30 s.");
    }
}
