using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Auth;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Connection;

/// <summary>Plants a sentinel secret key and checks that neither it nor any UserSig made from it shows anywhere the module emits.</summary>
[Collection("Session")]
public class SecretLeakTests
{
    private const string Sentinel = "SENTINEL-KEY-8f3a61c2e9d04b7aa5";

    [Fact]
    public async System.Threading.Tasks.Task Neither_the_key_nor_the_usersig_reaches_any_stream()
    {
        var sigs = new HashSet<string>();
        var calls = 0;
        // Every failure kind, including servers that echo the request URL (and so the UserSig) back.
        var stub = new StubHttpHandler
        {
            // One call at a time, so the failure kinds fall on the calls in the same order every run (with two in flight,
            // which batch met the run-stopping 70001 first decided whether any user failed before the stop).
            Responder = r =>
            {
                int call;
                lock (sigs)
                {
                    sigs.Add(r.Query["usersig"]);
                    call = calls++;
                }
                return (call % 7) switch
                {
                    0 => StubResponse.Fail(70001, "expired " + r.Uri),
                    1 => StubResponse.Http(502, "<html>bad gateway for " + r.Uri + "</html>"),
                    2 => StubResponse.Json("<html>" + r.Uri.Query + "</html>"),
                    3 => new StubResponse { Exception = new System.Net.Http.HttpRequestException("reset while sending " + r.Uri) },
                    4 => StubResponse.Fail(90001, "echo usersig=" + r.Query["usersig"]),
                    5 => StubResponse.Json("{\"ActionStatus\":\"OK\",\"Err"),
                    _ => StubResponse.Ok(",\"ErrorList\":[{\"To_Account\":\"u1\",\"ErrorCode\":70107,\"ErrorInfo\":\"" + r.Query["usersig"] + "\"}]"),
                };
            },
        };
        var emitted = new StringBuilder();
        using var connection = TestConnections.Open(stub, secretKey: Sentinel, maxRetry: 2, clock: new InstantClock());
        emitted.AppendLine(connection.ToString()).AppendLine(connection.UserSig.ToString()).AppendLine(connection.Authentication);
        var sink = new CollectingSink<UserAttributes>();
        using (var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions { BatchSize = 2, ThrottleLimit = 1 }, sink))
        {
            try
            {
                for (var i = 0; i < 40; i++) engine.Add(Items.Set("u" + i, new Hashtable { ["c"] = "v" }, ImService.AllMemberPush).Result!);
                engine.Complete();
            }
            catch (ImRunStoppedException e)
            {
                // A 70001 that the renewal did not cure stops the run: its terminating error is one more output.
                emitted.AppendLine(e.ToString());
            }
        }
        try
        {
            await AppAttributeNames.GetAsync(connection, null, default);
        }
        catch (ImApiException e)
        {
            emitted.AppendLine(e.ToString());
        }
        foreach (var f in sink.Failures)
        {
            emitted.AppendLine(f.ToString()).AppendLine(f.Exception.ToString()).AppendLine(f.Message).AppendLine(Convert.ToString(f.TargetObject, System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (var v in sink.Verbose) emitted.AppendLine(v);
        foreach (var r in sink.Results) emitted.AppendLine(r.ToString());

        Assert.True(sink.Failures.Count > 0 && sink.Verbose.Count > 0);
        Assert.True(sigs.Count > 1); // 70001 made it renew
        var text = emitted.ToString();
        Assert.DoesNotContain(Sentinel, text);
        foreach (var sig in sigs) Assert.DoesNotContain(sig, text);
        Assert.Contains("usersig=***", text);
        // The planted key never leaves the process but in its signature: check each sig really comes from it.
        Assert.All(sigs, s => Assert.True(UserSigInfo.TryParse(s, out var info) && info!.IsSignedWith(Encoding.UTF8.GetBytes(Sentinel))));
    }

    [Fact]
    public void Connections_from_the_environment_do_not_show_the_key()
    {
        var scope = new object();
        ImSession.Clear(scope);
        try
        {
            var env = new Dictionary<string, string> { ["TENCENTIM_SDKAPPID"] = "1400000001", ["TENCENTIM_IDENTIFIER"] = "robot", ["TENCENTIM_SECRETKEY"] = Sentinel };
            var c = ImSession.Resolve(null, scope, n => env.TryGetValue(n, out var v) ? v : null);
            var shown = string.Join("\n", typeof(ImConnection).GetProperties().Select(p => Convert.ToString(p.GetValue(c), System.Globalization.CultureInfo.InvariantCulture)));
            Assert.DoesNotContain(Sentinel, shown + c);
            Assert.DoesNotContain("SecretKey", string.Join(",", typeof(ImConnection).GetProperties().Select(p => p.Name)));
        }
        finally
        {
            ImSession.Clear(scope);
        }
    }
}
