using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Core.Text;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Bulk;

/// <summary>
/// Issue 22's core rules: a failed connect leaves its scope unconnected, a 404 is connection-level, restores refuse
/// date objects in tables, reports equal the runs (stopped, -WhatIf, partly applied, unknown outcomes, drift text),
/// and the service's names are scrubbed and escaped in prompts and mismatch messages.
/// </summary>
[Collection("Session")]
public class SafeRunTests : IDisposable
{
    private readonly object _scope = new();

    public SafeRunTests() => ImSession.Clear(_scope);

    public void Dispose()
    {
        ImSession.Clear(_scope);
        GC.SuppressFinalize(this);
    }

    private static Func<string, string?> Environment() => name => name switch
    {
        "TENCENTIM_SDKAPPID" => "1400000000",
        "TENCENTIM_IDENTIFIER" => "administrator",
        "TENCENTIM_USERSIG" => "sig",
        _ => null,
    };

    [Fact]
    public void A_failed_connect_drops_the_scopes_connection_and_turns_the_environment_off_until_a_connect_or_a_clear()
    {
        using var connection = TestConnections.Open(new StubHttpHandler());
        ImSession.SetCurrent(_scope, connection);
        Assert.Same(connection, ImSession.Resolve(null, _scope, Environment()));

        ImSession.MarkFailed(_scope, "ImApiError70005");
        Assert.Null(ImSession.CurrentIn(_scope));
        var refused = Assert.Throws<InvalidOperationException>(() => ImSession.Resolve(null, _scope, Environment()));
        Assert.StartsWith("Not connected: the last Connect-ImApp in this runspace failed (ImApiError70005)", refused.Message, StringComparison.Ordinal);
        // An explicit connection still works; another scope still reads the environment.
        Assert.Same(connection, ImSession.Resolve(connection, _scope, Environment()));
        Assert.Equal(1400000000, ImSession.Resolve(null, new object(), Environment()).SdkAppId);

        ImSession.SetCurrent(_scope, connection);
        Assert.Same(connection, ImSession.Resolve(null, _scope, Environment()));
        ImSession.MarkFailed(_scope, "ImApiError70005");
        ImSession.Clear(_scope);
        Assert.Null(ImSession.FailedConnectIn(_scope));
        Assert.Equal(1400000000, ImSession.Resolve(null, _scope, Environment()).SdkAppId);
    }

    [Fact]
    public void A_404_is_connection_level_and_its_message_names_the_family_and_the_endpoint()
    {
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Http(404, "Not Found") };
        using var connection = TestConnections.Open(stub, ImService.Push);
        var sink = new CollectingSink<UserAttributes>();
        ImRunStoppedException stop;
        using (var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions { ThrottleLimit = 1 }, sink))
        {
            stop = Assert.Throws<ImRunStoppedException>(() =>
            {
                foreach (var i in Enumerable.Range(0, 250)) engine.Add(Items.Set("u" + i, new Hashtable { ["city"] = "x" }, ImService.Push).Result!);
                engine.Complete();
            });
            var summary = engine.Summary("Set-ImUserAttribute", stopped: true);
            // The summary counts what the stop error counts.
            Assert.Equal(stop.DoneBeforeStop + stop.Applied.Count, summary.Done);
            Assert.Equal(stop.Failed.Count, summary.Failed);
            Assert.Equal(stop.NotSent.Count, summary.StoppedBeforeSending);
            Assert.Equal(stop.OutcomeUnknown.Count, summary.OutcomeUnknown);
            Assert.Contains($"In all (the run's summary counts the same): 0 done, {summary.Failed:N0} failed, 0 outcome unknown, {summary.StoppedBeforeSending:N0} not sent.", stop.Message, StringComparison.Ordinal);
            Assert.Contains($"{summary.StoppedBeforeSending:N0} not sent (the command stopped first)", summary.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal("ImHttpError404", stop.ErrorId);
        Assert.Equal(100, stop.Failed.Count);
        Assert.Empty(sink.Failures);
        Assert.Single(stub.Requests);
        Assert.Contains("other API family", stop.Message, StringComparison.Ordinal);
        Assert.False(ResponseClassifier.IsConnectionLevel(new ImApiException("x", ImFailureKind.Http, 0, null, 502, "bad gateway")));
    }

    [Fact]
    public void A_date_object_in_an_inputs_Attributes_table_is_refused_and_a_date_in_Attribute_keeps_its_ISO_text()
    {
        var fromJson = new OrderedDictionary { ["since"] = new DateTime(2026, 11, 22, 0, 30, 0, DateTimeKind.Utc), ["code"] = "007" };
        var refused = Items.SetFrom(new object(), new[] { Pair("UserId", "u1"), Pair("Attributes", fromJson) }, null, ImService.AllMemberPush);
        Assert.Equal(ErrorIds.AttributeTableDate, refused.Failure!.ErrorId);
        Assert.Contains("ConvertFrom-Json -AsHashtable -DateKind String", refused.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("Export-Clixml", refused.Failure.Message, StringComparison.Ordinal);
        var offset = new OrderedDictionary { ["when"] = new DateTimeOffset(2026, 11, 22, 8, 30, 0, TimeSpan.FromHours(8)) };
        Assert.Equal(ErrorIds.AttributeTableDate, Items.SetFrom(new object(), new[] { Pair("UserId", "u1"), Pair("Attrs", offset) }, null, ImService.AllMemberPush).Failure!.ErrorId);

        var given = Items.Set("u1", new Hashtable { ["since"] = new DateTime(2026, 11, 22, 8, 30, 0, DateTimeKind.Utc) }, ImService.AllMemberPush);
        Assert.Equal("2026-11-22T08:30:00.0000000Z", given.Result!.Attributes["since"]);
        // Texts in a table stay exactly as they are.
        var texts = new OrderedDictionary { ["since"] = "2026-11-22T08:30:00+08:00", ["code"] = "007", ["eq"] = "=1+1", ["City"] = "ROME", ["city"] = "Rome" };
        var kept = Items.SetFrom(new object(), new[] { Pair("UserId", "u1"), Pair("Attributes", texts) }, null, ImService.AllMemberPush).Result!;
        Assert.Equal(new[] { "2026-11-22T08:30:00+08:00", "007", "=1+1", "ROME", "Rome" }, kept.Attributes.Values);
    }

    private static KeyValuePair<string, object?> Pair(string key, object? value) => new(key, value);

    [Fact]
    public void Drift_tables_read_as_tables_and_write_as_their_pairs()
    {
        var drift = new AttributeDrift("u1",
            new Dictionary<string, string> { ["city"] = "Oslo", ["code"] = "a;b" },
            new Dictionary<string, AttributeValueChange> { ["tier"] = new("gold", "x->y") },
            new Dictionary<string, string> { ["\u001b]0;t\u0007"] = "old" });
        Assert.Equal("Oslo", drift.Added["city"]);
        Assert.IsAssignableFrom<IDictionary>(drift.Added);
        Assert.Equal("city=Oslo; code='a;b'", drift.Added.ToString());
        Assert.Equal("tier=gold->'x->y'", drift.Changed.ToString());
        Assert.Equal(@"'\u001B]0;t\u0007'=old", drift.Removed.ToString());
        Assert.Equal("new, 'a,b'", new TagDrift("u1", new[] { "new", "a,b" }, Array.Empty<string>()).Added.ToString());
        Assert.Equal("", new TagDrift("u1", Array.Empty<string>(), Array.Empty<string>()).Removed.ToString());
    }

    [Fact]
    public void The_summary_says_would_change_under_WhatIf_and_counts_unknown_attempts()
    {
        var summary = new BulkRunSummary("Set-ImUserAttribute", 3, 1, new Dictionary<string, long>(), 2, 0, 0, TimeSpan.FromSeconds(1), false) { WhatIf = true };
        Assert.StartsWith("Set-ImUserAttribute -WhatIf (nothing written): 3 users in, 2 would change, 1 need no write, 0 failed,", summary.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(" done", summary.ToString(), StringComparison.Ordinal);
        var unknown = new BulkRunSummary("Set-ImUserAttribute", 3, 3, new Dictionary<string, long>(), 0, 1, 0, TimeSpan.FromSeconds(1), false) { UnknownAttempts = 2 };
        Assert.Contains("3 done, 0 failed, 2 had an attempt of unknown outcome (not verified: check them with -Verify)", unknown.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_engine_counts_users_with_an_attempt_of_unknown_outcome_without_Verify_only()
    {
        // The first set call is cut after it went out; its retry is answered.
        var stub = new StubHttpHandler().Enqueue(StubResponse.Reset());
        using var connection = TestConnections.Open(stub);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions(), sink);
        engine.Add(Items.Set("u1", new Hashtable { ["city"] = "x" }, ImService.AllMemberPush).Result!);
        engine.Add(Items.Set("u2", new Hashtable { ["city"] = "x" }, ImService.AllMemberPush).Result!);
        engine.Complete();
        Assert.Equal(2, sink.Results.Count);
        Assert.Equal(2, engine.Summary("Set-ImUserAttribute", false).UnknownAttempts);

        var again = new StubHttpHandler().Enqueue(StubResponse.Reset());
        using var verified = TestConnections.Open(again);
        using var checking = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(verified, verify: new VerifyOptions(TimeSpan.Zero)), new EngineOptions(), new CollectingSink<UserAttributes>());
        checking.Add(Items.Set("u1", new Hashtable { ["city"] = "x" }, ImService.AllMemberPush).Result!);
        again.Responder = r => r.Api == "im_get_attr" ? StubResponse.Ok(",\"UserAttrs\":[{\"To_Account\":\"u1\",\"Attrs\":{\"city\":\"x\"}}]") : StubResponse.Ok();
        checking.Complete();
        Assert.Equal(0, checking.Summary("Set-ImUserAttribute", false).UnknownAttempts);
    }

    [Fact]
    public void A_user_whose_remove_an_ErrorList_refused_after_its_set_landed_is_ReplacePartlyApplied_with_the_landed_part()
    {
        var service = TestConnections.Emulator();
        service.Register("tier", "city");
        service.Seed("u1", new Hashtable { ["tier"] = "gold", ["city"] = "Rome" });
        service.Seed("u2", new Hashtable { ["tier"] = "gold", ["city"] = "Rome" });
        var stub = service.CreateHandler();
        stub.Responder = r => r.Api == "remove_attr"
            ? StubResponse.Ok(",\"ErrorList\":[{\"To_Account\":\"u1\",\"ErrorCode\":90035,\"ErrorInfo\":\"bound to the other account type\"}]")
            : service.Answer(r);
        using var connection = TestConnections.Open(stub, ImService.Push);
        var sink = new CollectingSink<SyncResult<AttributeDrift>>();
        using (var engine = new BatchEngine<SetItem, SyncResult<AttributeDrift>>(BulkOperations.ReplaceAttributes(connection, 4, (_, _) => true),
            new EngineOptions { BatchSize = SyncCalls.UsersPerSync }, sink))
        {
            foreach (var user in new[] { "u1", "u2" })
            {
                // -Replace removes only what the input carries: city given empty is the remove that fails for u1.
                engine.Add(SetItem.Read(PipelineRecord.ForUserId(user), new Hashtable { ["tier"] = "silver", ["city"] = "" }, ImService.Push, replace: true).Result!);
            }
            engine.Complete();
            Assert.Equal(1, engine.Summary("Set-ImUserAttribute", false).Failed);
        }
        var failure = Assert.Single(sink.Failures);
        Assert.Equal(ErrorIds.ReplacePartlyApplied, failure.ErrorId);
        Assert.Equal("u1", failure.TargetObject);
        Assert.Contains("the set was applied, the remove failed (ImApiError90035", failure.Message, StringComparison.Ordinal);
        // -PassThru's objects: u1's landed part (the set), then u2's whole drift.
        var u1 = sink.Results.First(r => r.UserId == "u1").Drift!;
        Assert.Equal("gold", u1.Changed["tier"].Old);
        Assert.Empty(u1.Removed);
        Assert.Equal("Rome", sink.Results.First(r => r.UserId == "u2").Drift!.Removed["city"]);
    }

    [Fact]
    public void An_empty_AttrNames_answer_stops_a_sync_with_one_error()
    {
        var service = TestConnections.Emulator();
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);
        var sink = new CollectingSink<SyncResult<AttributeDrift>>();
        using var engine = new BatchEngine<SetItem, SyncResult<AttributeDrift>>(BulkOperations.ReplaceAttributes(connection, 4, (_, _) => true),
            new EngineOptions { BatchSize = SyncCalls.UsersPerSync }, sink);
        var stop = Assert.Throws<ImRunStoppedException>(() =>
        {
            // The user's whole set, empty: with no names known, a sync would find nothing to remove and call it done.
            engine.Add(SetItem.Read(PipelineRecord.ForUserId("u1"), new Hashtable(), ImService.AllMemberPush, replace: true, removeUnlisted: true).Result!);
            engine.Complete();
        });
        Assert.Equal(ErrorIds.MalformedResponse, stop.ErrorId);
        Assert.Contains("answered with no attribute names", stop.Message, StringComparison.Ordinal);
        Assert.Contains("Every user would fail the same way", stop.Message, StringComparison.Ordinal);
        Assert.Empty(sink.Results);
        Assert.DoesNotContain(stub.Requests, r => r.Api is "im_set_attr" or "im_remove_attr");
    }

    [Fact]
    public void Prompts_escape_every_text_and_scrub_the_secrets_before_cutting()
    {
        const string secret = "k-0123456789abcdef0123456789abcdef";
        var scrubber = new SecretScrubber(() => new[] { secret });
        var names = BatchPrompt.Names(new[] { "\u001b]0;evil\u0007", secret, "city" }, scrubber);
        Assert.DoesNotContain('\u001b', names);
        Assert.Equal(@"\u001B]0;evil\u0007, ***, city", names);
        var users = BatchPrompt.Users(new[] { "\u001b[2Jalice" });
        Assert.Equal(@"1 user: \u001B[2Jalice", users);
        // A long escaped text is cut before an escape, never inside one.
        var cut = BatchPrompt.Names(new[] { "abcdefghijklmnop\u001bqrstuvwxyz" });
        Assert.Equal("abcdefghijklmnop...", cut);
    }

    [Fact]
    public void AsRows_refusal_scrubs_and_escapes_the_services_names()
    {
        const string secret = "k-0123456789abcdef0123456789abcdef0123456789";
        var problem = AttributeRows.CheckColumns(new[] { secret + "x", secret + "X", "\u001b" }, text => text.Replace(secret, SecretScrubber.Mask, StringComparison.Ordinal))!;
        Assert.Contains("'***x' and '***X' differ only in case", problem, StringComparison.Ordinal);
        Assert.Contains("Export-Clixml", problem, StringComparison.Ordinal);
        var escaped = AttributeRows.CheckColumns(new[] { "\u001b]0;t\u0007", "Attributes" })!;
        Assert.Contains("'Attributes' is also a column", escaped, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', AttributeRows.CheckColumns(new[] { "a\u001b", "A\u001b" })!);
    }

    [Fact]
    public void Mismatch_messages_scrub_and_escape_the_services_names()
    {
        const string secret = "k-0123456789abcdef0123456789abcdef";
        var shown = new ReadBackShown(text => text?.Replace(secret, SecretScrubber.Mask, StringComparison.Ordinal));
        var check = new RemoveReadBack();
        var item = RemoveItem.Read(PipelineRecord.ForUserId("u1"), new[] { "city" }, ImService.AllMemberPush).Result!;
        var found = new UserAttributes("u1", new Dictionary<string, string> { ["city"] = secret });
        var difference = check.Compare(item, found, shown)!;
        Assert.DoesNotContain(secret, difference.Found, StringComparison.Ordinal);

        var replace = new ReplaceReadBack(() => new[] { secret, "\u001b]0;x\u0007" });
        // The whole set (-RemoveUnlisted), empty: every registered name the user holds is a mismatch, named in the text.
        var desired = SetItem.Read(PipelineRecord.ForUserId("u1"), new Hashtable(), ImService.AllMemberPush, replace: true, removeUnlisted: true).Result!;
        var held = new UserAttributes("u1", new Dictionary<string, string> { [secret] = "v", ["\u001b]0;x\u0007"] = "w" });
        var text = replace.Compare(desired, held, shown)!;
        Assert.DoesNotContain(secret, text.Expected + text.Found, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', text.Expected + text.Found);
        Assert.Contains(@"*** not set, \u001B]0;x\u0007 not set", text.Expected, StringComparison.Ordinal);
    }
}
