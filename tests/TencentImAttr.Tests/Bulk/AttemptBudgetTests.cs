using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Operations;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Bulk;

/// <summary>
/// The attempt budget, counted per user: at most 1 + MaxRetry charged attempts, whatever mix of call-level and
/// per-user failures; a UserSig renewal and the 90033 narrowing are free for the users they clear. (Before the one
/// retry loop, a per-user transient code started a round that the client retried inside: 9 attempts at MaxRetry 2.)
/// </summary>
public class AttemptBudgetTests
{
    /// <summary>
    /// One answer per step, for the set calls in order ("…" after the last step repeats the script from its start;
    /// otherwise the last step repeats):
    /// ok; call:CODE (the call fails with a code); http:STATUS; reset; html (a malformed 200);
    /// user:ID:CODE (OK, with one user failing in the ErrorList); renew (70001); 90033.
    /// </summary>
    private static StubResponse Answer(string step) => step.Split(':') switch
    {
        ["ok"] => StubResponse.Ok(),
        ["call", var code] => StubResponse.Fail(int.Parse(code, System.Globalization.CultureInfo.InvariantCulture), "scripted"),
        ["http", var status] => StubResponse.Http(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), "<html>gateway</html>"),
        ["reset"] => StubResponse.Reset(),
        ["html"] => StubResponse.Json("<html>captive portal</html>"),
        ["user", var user, var code] => StubResponse.Ok(",\"ErrorList\":[{\"To_Account\":\"" + user + "\",\"ErrorCode\":" + code + ",\"ErrorInfo\":\"scripted\"}]"),
        ["renew"] => StubResponse.Fail(70001, "expired"),
        ["90033"] => StubResponse.Fail(90033, "invalid attribute"),
        _ => throw new ArgumentException(step),
    };

    [Theory]
    // Call-level failures only: every user uses its whole budget.
    [InlineData(2, "call:91000", "a=3:ImApiError91000 b=3:ImApiError91000")]
    [InlineData(2, "http:502", "a=3:ImHttpError502 b=3:ImHttpError502")]
    [InlineData(2, "reset", "a=3:ImConnectionFailed b=3:ImConnectionFailed")]
    [InlineData(2, "html", "a=3:ImMalformedResponse b=3:ImMalformedResponse")]
    [InlineData(0, "call:91000", "a=1:ImApiError91000 b=1:ImApiError91000")]
    [InlineData(5, "call:60018", "a=6:ImApiError60018 b=6:ImApiError60018")]
    // A per-user transient code: only that user is sent again, within the same budget.
    [InlineData(2, "user:b:91000", "a=1:ok b=3:ImApiError91000")]
    [InlineData(5, "user:b:70500", "a=1:ok b=6:ImApiError70500")]
    // Mixed: call-level and per-user failures are charged to one budget.
    [InlineData(2, "http:502 user:b:91000 reset", "a=2:ok b=3:ImConnectionFailed")]
    [InlineData(2, "http:502 http:502 user:b:91000 …", "a=3:ok b=3:ImApiError91000")] // was 9 attempts for b
    [InlineData(5, "http:502 http:502 user:b:91000 …", "a=3:ok b=6:ImApiError91000")] // was 36
    [InlineData(2, "user:b:91000 html ok", "a=1:ok b=3:ok")]
    [InlineData(3, "html user:a:91000 http:503", "a=4:ImHttpError503 b=2:ok")]
    // A permanent per-user code is final at once.
    [InlineData(2, "user:b:70107", "a=1:ok b=1:ImApiError70107")]
    [InlineData(2, "http:502 user:b:70107", "a=2:ok b=2:ImApiError70107")]
    public async Task Attempts_per_user_stay_within_one_budget(int maxRetry, string script, string expected)
    {
        var run = await RunAsync(maxRetry, script, new[] { "a", "b" }, secretKey: false);
        Assert.Equal(expected, run);
    }

    [Theory]
    // The renewal attempt is free: a user still gets 1 + MaxRetry charged attempts after it; one renewal per batch.
    [InlineData(2, "renew call:91000", "a=4:ImApiError91000 b=4:ImApiError91000")]
    [InlineData(2, "renew ok", "a=2:ok b=2:ok")]
    [InlineData(2, "call:91000 renew user:b:91000 ok", "a=3:ok b=4:ok")]
    [InlineData(2, "renew renew", "a=2:ImApiError70001 b=2:ImApiError70001")]
    public async Task A_usersig_renewal_does_not_use_the_budget(int maxRetry, string script, string expected)
    {
        var run = await RunAsync(maxRetry, script, new[] { "a", "b" }, secretKey: true);
        Assert.Equal(expected, run);
    }

    [Theory]
    // c carries an unregistered name: narrowing fails c alone and is free for a and b.
    [InlineData(2, "90033 call:91000", "a=4:ImApiError91000 b=4:ImApiError91000 c=1:ImApiError90033")]
    [InlineData(2, "90033 ok", "a=2:ok b=2:ok c=1:ImApiError90033")]
    [InlineData(2, "http:502 90033 user:b:91000 ok", "a=3:ok b=4:ok c=2:ImApiError90033")]
    // Every free step and every kind of failure in one batch: b has 3 charged attempts and 2 free ones.
    [InlineData(2, "renew 90033 http:502 user:b:91000 ok", "a=4:ok b=5:ok c=2:ImApiError90033")]
    [InlineData(2, "renew 90033 http:502 user:b:91000 html", "a=4:ok b=5:ImMalformedResponse c=2:ImApiError90033")]
    public async Task Narrowing_90033_does_not_use_the_budget_of_the_users_it_clears(int maxRetry, string script, string expected)
    {
        var run = await RunAsync(maxRetry, script, new[] { "a", "b", "c" }, secretKey: true);
        Assert.Equal(expected, run);
    }

    [Fact]
    public async Task Attempts_after_a_failure_are_named_in_its_message()
    {
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Fail(91000) };
        using var connection = TestConnections.Open(stub, maxRetry: 2);
        var outcomes = await new CallSender(connection, null, null).SendAsync(new SetAttributesOperation(), Users("a"), default);
        Assert.EndsWith("(after 3 attempts)", outcomes.Single().Failure!.Message);
        Assert.Equal(3, stub.Requests.Count);
    }

    private static List<SetItem> Users(params string[] users) =>
        users.Select(u => Items.Set(u, new Hashtable { [u == "c" ? "colour" : "city"] = "x" }, ImService.AllMemberPush).Result!).ToList();

    /// <summary>Runs one batch of <paramref name="users"/> through the sender against the script; "user=attempts:outcome" for each.</summary>
    private static async Task<string> RunAsync(int maxRetry, string script, string[] users, bool secretKey)
    {
        var steps = script.Split(' ');
        var cycle = steps[^1] == "…";
        if (cycle) steps = steps[..^1];
        var attempts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var next = 0;
        var stub = new StubHttpHandler
        {
            Responder = request =>
            {
                if (request.Api == "im_get_attr_name") return StubResponse.Ok(",\"AttrNames\":{\"0\":\"city\"}");
                foreach (var entry in JsonNode.Parse(request.Body)!["UserAttrs"]!.AsArray())
                {
                    attempts.AddOrUpdate((string)entry!["To_Account"]!, 1, (_, n) => n + 1);
                }
                var step = next < steps.Length ? steps[next] : cycle ? steps[next % steps.Length] : steps[^1];
                next++;
                return Answer(step);
            },
        };
        using var connection = secretKey
            ? TestConnections.Open(stub, secretKey: TestConnections.SampleKey, clock: new ManualClockThatSkipsDelays(), maxRetry: 9)
            : TestConnections.Open(stub, maxRetry: 9);
        var outcomes = await new CallSender(connection, maxRetry, null).SendAsync(new SetAttributesOperation(), Users(users), default);
        return string.Join(" ", users.Select((u, i) => $"{u}={attempts.GetValueOrDefault(u)}:{outcomes[i].Failure?.ErrorId ?? "ok"}"));
    }

    /// <summary>Delays pass at once, and each one moves the wall clock a minute: a renewed UserSig differs from the one it replaces.</summary>
    private sealed class ManualClockThatSkipsDelays : Core.Timing.IClock
    {
        private readonly ManualClock _clock = new();
        public DateTimeOffset UtcNow => _clock.UtcNow;
        public TimeSpan Elapsed => _clock.Elapsed;
        public uint CoarseMilliseconds => _clock.CoarseMilliseconds;
        public Task Delay(TimeSpan delay, System.Threading.CancellationToken cancellationToken)
        {
            _clock.Advance(delay + TimeSpan.FromMinutes(1));
            return Task.CompletedTask;
        }
    }
}
