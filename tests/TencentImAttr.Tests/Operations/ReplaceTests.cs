using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Operations;

/// <summary>
/// Set-ImUserAttribute -Replace and Add-ImUserTag -Replace -WhatIf in the core, against the emulator in process:
/// the store ends exact, unchanged users get no write call, the drift report equals what the run then does, and the
/// write calls of a 1 %-changed sync are about 1 % of a blind Set's.
/// </summary>
public class ReplaceTests
{
    /// <summary>What a run handed back: the results (and the declined results, -WhatIf's report), the failures, the questions asked.</summary>
    private sealed class Run<TDrift> : IEngineSink<SyncResult<TDrift>>
        where TDrift : class
    {
        public List<SyncResult<TDrift>> Results { get; } = new();
        public List<ItemFailure> Failures { get; } = new();
        public List<(string Target, string Action)> Questions { get; } = new();
        public BulkRunSummary Summary { get; set; } = null!;
        public void OnResult(SyncResult<TDrift> result) => Results.Add(result);
        public void OnFailure(ItemFailure failure) => Failures.Add(failure);
        public void OnVerbose(string line) { }
        public void OnProgress(ProgressReport report) { }
        public Dictionary<string, TDrift> Drifts => Results.Where(r => r.Drift is not null).ToDictionary(r => r.UserId, r => r.Drift!, StringComparer.Ordinal);
    }

    private static Run<AttributeDrift> Replace(ImConnection connection, IEnumerable<ItemOutcome<SetItem>> input, bool approve, int throttle = 8)
    {
        var run = new Run<AttributeDrift>();
        using (var engine = new BatchEngine<SetItem, SyncResult<AttributeDrift>>(
            BulkOperations.ReplaceAttributes(connection, throttle, (target, action) => { run.Questions.Add((target, action)); return approve; }),
            new EngineOptions { BatchSize = SyncCalls.UsersPerSync, ThrottleLimit = throttle }, run))
        {
            foreach (var item in input)
            {
                if (item.Failure is not null) engine.AddFailure(item.Failure);
                else engine.Add(item.Result!);
            }
            engine.Complete();
            run.Summary = engine.Summary("Set-ImUserAttribute", stopped: false);
        }
        return run;
    }

    private static Run<AttributeDrift> Replace(ImConnection connection, IEnumerable<ItemOutcome<SetItem>> input, Func<string, bool> approveAction)
    {
        var run = new Run<AttributeDrift>();
        using (var engine = new BatchEngine<SetItem, SyncResult<AttributeDrift>>(
            BulkOperations.ReplaceAttributes(connection, 8, (target, action) => { run.Questions.Add((target, action)); return approveAction(action); }),
            new EngineOptions { BatchSize = SyncCalls.UsersPerSync, ThrottleLimit = 8 }, run))
        {
            foreach (var item in input) engine.Add(item.Result!);
            engine.Complete();
            run.Summary = engine.Summary("Set-ImUserAttribute", stopped: false);
        }
        return run;
    }

    private static ItemOutcome<SetItem> Desired(string user, IDictionary attributes) =>
        SetItem.Read(Core.Input.PipelineRecord.ForUserId(user), attributes, ImService.AllMemberPush, replace: true, removeUnlisted: true);

    /// <summary>A set request's users, in order, and the attributes each carries.</summary>
    private static Dictionary<string, Dictionary<string, string>> SentAttributes(RecordedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        var sent = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var user in body.RootElement.GetProperty("UserAttrs").EnumerateArray())
        {
            sent.Add(user.GetProperty("To_Account").GetString()!, user.GetProperty("Attrs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal));
        }
        return sent;
    }

    private static int CallsTo(StubHttpHandler stub, string api) => stub.Requests.Count(r => r.Api == api);

    private static readonly string[] WriteApis = { "im_set_attr", "im_remove_attr", "im_add_tag", "im_remove_tag", "im_remove_all_tags", "im_set_attr_name", "add_tag" };

    private static int Writes(StubHttpHandler stub) => stub.Requests.Count(r => WriteApis.Contains(r.Api));

    private static Dictionary<string, string> Store(InProcessEmulator service, string user) => service.AttributesOf(user) ?? new Dictionary<string, string>();

    private static (StubHttpHandler Stub, InProcessEmulator Service, ImConnection Connection) Three()
    {
        var service = TestConnections.Emulator();
        service.Register("tier", "city", "level");
        service.Seed("extra", new Hashtable { ["tier"] = "gold", ["city"] = "Beijing", ["level"] = "3" });   // level extra, city changed
        service.Seed("same", new Hashtable { ["tier"] = "silver" });                                           // already equal
        // "missing" has nothing: both attributes are added.
        var stub = service.CreateHandler();
        return (stub, service, TestConnections.Open(stub));
    }

    private static ItemOutcome<SetItem>[] ThreeDesired() => new[]
    {
        Desired("extra", new Hashtable { ["tier"] = "gold", ["city"] = "Shenzhen" }),
        Desired("same", new Hashtable { ["tier"] = "silver" }),
        Desired("missing", new Hashtable { ["tier"] = "bronze", ["city"] = "Tokyo" }),
    };

    [Fact]
    public void A_user_whose_set_was_approved_and_whose_remove_was_declined_is_reported_part_way_not_declined()
    {
        // "Yes" to the set call, "No" to the remove call (-Confirm): "extra" had its city set but keeps level.
        var (stub, service, connection) = Three();
        using var _ = connection;
        var run = Replace(connection, ThreeDesired(), action => !action.Contains("remove", StringComparison.Ordinal));

        Assert.Equal(new Dictionary<string, string> { ["tier"] = "gold", ["city"] = "Shenzhen", ["level"] = "3" }, Store(service, "extra"));
        var failure = Assert.Single(run.Failures);
        Assert.Equal("ReplacePartlyApplied", failure.ErrorId);
        Assert.Equal("extra", failure.TargetObject);
        Assert.Contains("the set was applied, the remove was not sent (declined)", failure.Message, StringComparison.Ordinal);
        // Not counted as declined: it was changed.
        Assert.Equal(0, run.Summary.NotSent);
        Assert.Equal(1, CallsTo(stub, "im_set_attr"));
        Assert.Equal(0, CallsTo(stub, "im_remove_attr"));
    }

    [Fact]
    public void Replace_over_extra_changed_and_missing_attributes_ends_exact_and_writes_only_what_differs()
    {
        var (stub, service, connection) = Three();
        using var _ = connection;
        var run = Replace(connection, ThreeDesired(), approve: true);

        Assert.Empty(run.Failures);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "gold", ["city"] = "Shenzhen" }, Store(service, "extra"));
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "silver" }, Store(service, "same"));
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "bronze", ["city"] = "Tokyo" }, Store(service, "missing"));
        // One read of the names, one read of the users, one set (only the changed names), one remove.
        Assert.Equal(1, CallsTo(stub, "im_get_attr_name"));
        Assert.Equal(1, CallsTo(stub, "im_get_attr"));
        // The set carries the users in input order, each with only its names added or changed (the names' order is the table's).
        var set = SentAttributes(stub.Requests.Single(r => r.Api == "im_set_attr"));
        Assert.Equal(new[] { "extra", "missing" }, set.Keys);
        Assert.Equal(new Dictionary<string, string> { ["city"] = "Shenzhen" }, set["extra"]);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "bronze", ["city"] = "Tokyo" }, set["missing"]);
        var remove = stub.Requests.Single(r => r.Api == "im_remove_attr");
        Assert.Equal("{\"UserAttrs\":[{\"To_Account\":\"extra\",\"Attrs\":[\"level\"]}]}", remove.Body);
        // The drift of each user changed; none for the user already equal, who was still done.
        var drifts = run.Drifts;
        Assert.Equal(new[] { "extra", "missing" }, drifts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Beijing", drifts["extra"].Changed["city"].Old);
        Assert.Equal("Shenzhen", drifts["extra"].Changed["city"].New);
        Assert.Equal(new Dictionary<string, string> { ["level"] = "3" }, drifts["extra"].Removed);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "bronze", ["city"] = "Tokyo" }, drifts["missing"].Added);
        Assert.Equal(3, run.Summary.Done);
        Assert.Equal(2, run.Summary.Drifted);
        Assert.Equal(2, run.Summary.ReadCalls);
        Assert.Equal(2, run.Summary.WriteCalls);
        // Each write call was asked, worded from its changes.
        Assert.Equal(2, run.Questions.Count);
        Assert.Equal("2 users: extra, missing", run.Questions[0].Target);
        Assert.StartsWith("Replace attributes: set ", run.Questions[0].Action, StringComparison.Ordinal);
        Assert.Equal(new[] { "city", "tier" }, run.Questions[0].Action["Replace attributes: set ".Length..].Split(", ").Order(StringComparer.Ordinal));
        Assert.Equal(("1 user: extra", "Replace attributes: remove level"), run.Questions[1]);
    }

    [Fact]
    public void Unchanged_users_get_no_write_call_at_all()
    {
        var service = TestConnections.Emulator();
        service.Register("tier");
        for (var i = 0; i < 250; i++) service.Seed("u" + i, new Hashtable { ["tier"] = "t" + (i % 3) });
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);

        var run = Replace(connection, Enumerable.Range(0, 250).Select(i => Desired("u" + i, new Hashtable { ["tier"] = "t" + (i % 3) })), approve: true);

        Assert.Empty(run.Failures);
        Assert.Equal(250, run.Summary.Done);
        Assert.Equal(0, Writes(stub));
        Assert.Equal(3, CallsTo(stub, "im_get_attr"));   // 100 + 100 + 50
        Assert.Empty(run.Questions);
        Assert.Equal(0, run.Summary.WriteCalls);
        Assert.Equal(4, run.Summary.ReadCalls);          // and the names, once
        Assert.Equal(0, run.Summary.Drifted);
    }

    [Fact]
    public void WhatIf_drift_report_sends_no_write_and_matches_what_the_run_then_does()
    {
        var (stub, service, connection) = Three();
        using var _ = connection;
        var before = new[] { "extra", "same", "missing" }.ToDictionary(u => u, u => Store(service, u));

        var whatIf = Replace(connection, ThreeDesired(), approve: false);
        Assert.Equal(0, Writes(stub));
        Assert.Empty(whatIf.Failures);
        Assert.Equal(2, whatIf.Summary.NotSent);        // the two users that would change: declined
        Assert.Equal(1, whatIf.Summary.Done);           // the one already equal
        Assert.Equal(0, whatIf.Summary.WriteCalls);
        Assert.All(whatIf.Results.Where(r => r.Drift is not null), r => Assert.False(r.Applied));
        Assert.Equal(before, new[] { "extra", "same", "missing" }.ToDictionary(u => u, u => Store(service, u)));

        var real = Replace(connection, ThreeDesired(), approve: true);
        Assert.Equal(whatIf.Questions, real.Questions);
        var reported = whatIf.Drifts;
        var done = real.Drifts;
        Assert.Equal(reported.Keys.Order(StringComparer.Ordinal), done.Keys.Order(StringComparer.Ordinal));
        foreach (var user in new[] { "extra", "same", "missing" })
        {
            var after = Store(service, user);
            // The store's change, computed from before and after, is exactly the reported drift.
            var change = AttributeDiff.OfWholeSet(user, after, before[user], service.Names);
            if (!reported.TryGetValue(user, out var drift))
            {
                Assert.Null(change);
                continue;
            }
            Assert.Equal(drift.Added, change!.Added);
            Assert.Equal(drift.Removed, change.Removed);
            Assert.Equal(drift.Changed.ToDictionary(p => p.Key, p => (p.Value.Old, p.Value.New)), change.Changed.ToDictionary(p => p.Key, p => (p.Value.Old, p.Value.New)));
            Assert.Equal(drift.Added, done[user].Added);
            Assert.Equal(drift.Removed, done[user].Removed);
        }
    }

    [Fact]
    public void Empty_cells_remove_under_Replace_and_are_skipped_without_it()
    {
        var service = TestConnections.Emulator();
        service.Register("tier", "city");
        service.Seed("alice", new Hashtable { ["tier"] = "gold", ["city"] = "Beijing" });
        service.Seed("bob", new Hashtable { ["tier"] = "gold", ["city"] = "Beijing" });
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);
        KeyValuePair<string, object?>[] Row(string user) => new KeyValuePair<string, object?>[] { new("UserId", user), new("tier", "silver"), new("city", "") };

        // Without -Replace the empty city cell is skipped: bob keeps Beijing.
        var plain = SetItem.Read(Core.Input.PipelineRecord.FromObject(new object(), Row("bob")), null, ImService.AllMemberPush);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "silver" }, plain.Result!.Attributes);
        // With -Replace the empty cell means "remove", and a row of only empty cells is "no attributes".
        var row = SetItem.Read(Core.Input.PipelineRecord.FromObject(new object(), Row("alice")), null, ImService.AllMemberPush, replace: true);
        var empty = SetItem.Read(Core.Input.PipelineRecord.FromObject(new object(), new KeyValuePair<string, object?>[] { new("UserId", "bob"), new("tier", ""), new("city", "") }), null, ImService.AllMemberPush, replace: true);
        Assert.NotNull(empty.Result);
        var run = Replace(connection, new[] { row, empty }, approve: true);

        Assert.Empty(run.Failures);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "silver" }, Store(service, "alice"));
        Assert.Empty(Store(service, "bob"));
        Assert.Equal(new Dictionary<string, string> { ["city"] = "Beijing" }, run.Drifts["alice"].Removed);
        // -Attribute's empty value wins over the row's value under -Replace; a row naming nothing at all is still an error.
        var overridden = SetItem.Read(Core.Input.PipelineRecord.FromObject(new object(), new KeyValuePair<string, object?>[] { new("UserId", "carol"), new("tier", "gold") }), new Hashtable { ["tier"] = "" }, ImService.AllMemberPush, replace: true);
        Assert.Empty(overridden.Result!.Attributes);
        var nothing = SetItem.Read(Core.Input.PipelineRecord.FromObject(new object(), new KeyValuePair<string, object?>[] { new("UserId", "dave") }), null, ImService.AllMemberPush, replace: true);
        Assert.Equal("AttributeSetEmpty", nothing.Failure!.ErrorId);
    }

    [Fact]
    public void A_failed_read_reports_every_user_it_carried_and_writes_nothing_for_them()
    {
        var service = TestConnections.Emulator();
        service.Register("tier");
        var stub = service.CreateHandler();
        // The get call of users u0..u99 fails for good (90001 is not retried); the one of u100..u149 is answered.
        stub.Responder = r => r.Api == "im_get_attr" && r.Body.Contains("\"u0\"", StringComparison.Ordinal)
            ? StubResponse.Fail(90001, "bad json") : service.Answer(r);
        using var connection = TestConnections.Open(stub, throttle: 1);

        var run = Replace(connection, Enumerable.Range(0, 150).Select(i => Desired("u" + i, new Hashtable { ["tier"] = "gold" })), approve: true, throttle: 1);

        Assert.Equal(100, run.Failures.Count);
        Assert.All(run.Failures, f => Assert.Equal("ImApiError90001", f.ErrorId));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => "u" + i), run.Failures.Select(f => (string)f.TargetObject!));
        Assert.Equal(50, run.Summary.Done);
        var set = stub.Requests.Single(r => r.Api == "im_set_attr");
        Assert.DoesNotContain("\"u0\"", set.Body, StringComparison.Ordinal);
        Assert.Null(service.AttributesOf("u0"));
        Assert.Equal("gold", service.AttributesOf("u100")!["tier"]);
    }

    [Fact]
    public void A_failed_write_reports_every_user_it_carried_and_not_the_unchanged_ones()
    {
        var service = TestConnections.Emulator();
        service.Register("tier", "city");
        for (var i = 0; i < 120; i++) service.Seed("u" + i, new Hashtable { ["tier"] = "gold", ["city"] = "x" });
        var stub = service.CreateHandler();
        stub.Responder = r => r.Api == "im_set_attr" ? StubResponse.Fail(90001, "bad json") : service.Answer(r);
        using var connection = TestConnections.Open(stub);

        // u0..u104 change tier (and so need a set, which fails); u105..u109 only drop city (a remove, which goes); the rest are equal.
        var run = Replace(connection, Enumerable.Range(0, 120).Select(i => Desired("u" + i,
            i < 105 ? new Hashtable { ["tier"] = "silver", ["city"] = "x" } : i < 110 ? new Hashtable { ["tier"] = "gold" } : new Hashtable { ["tier"] = "gold", ["city"] = "x" })), approve: true);

        Assert.Equal(Enumerable.Range(0, 105).Select(i => "u" + i), run.Failures.Select(f => (string)f.TargetObject!));
        Assert.All(run.Failures, f => Assert.Equal("ImApiError90001", f.ErrorId));
        Assert.Equal(2, CallsTo(stub, "im_set_attr"));   // 100 + 5 users, both failed
        Assert.Equal(15, run.Summary.Done);
        for (var i = 105; i < 110; i++) Assert.Equal(new Dictionary<string, string> { ["tier"] = "gold" }, Store(service, "u" + i));
        Assert.Equal("gold", Store(service, "u0")["tier"]);
    }

    [Fact]
    public void A_one_percent_changed_sync_writes_about_one_percent_of_a_blind_Sets_calls()
    {
        const int users = 10_000;
        string Id(int i) => "user" + i.ToString("D5", CultureInfo.InvariantCulture);
        Hashtable Source(int i) => new() { ["tier"] = "t" + (i % 5), ["city"] = "c" + (i % 97) };
        var service = TestConnections.Emulator();
        service.Register("tier", "city");
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub, throttle: 16);

        // A blind Set of the whole source.
        var blind = new List<ItemOutcome<SetItem>>();
        using (var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions { ThrottleLimit = 16 }, new CollectingSink<UserAttributes>()))
        {
            for (var i = 0; i < users; i++) engine.Add(Core.Operations.SetItem.Read(Core.Input.PipelineRecord.ForUserId(Id(i)), Source(i), ImService.AllMemberPush).Result!);
            engine.Complete();
            Assert.Equal(users / 100, engine.Counters.WriteCalls);
        }
        var blindWrites = Writes(stub);
        Assert.Equal(users / 100, blindWrites);

        // 1 % of the users drift, scattered (every 100th, from user 37 on): their city changed since.
        for (var i = 37; i < users; i += 100) service.Seed(Id(i), new Hashtable { ["tier"] = "t" + (i % 5), ["city"] = "moved" });
        var before = stub.Requests.Count;
        var run = Replace(connection, Enumerable.Range(0, users).Select(i => Desired(Id(i), Source(i))), approve: true, throttle: 16);
        var syncWrites = stub.Requests.Skip(before).Count(r => WriteApis.Contains(r.Api));

        Assert.Empty(run.Failures);
        Assert.Equal(users / 100, run.Drifts.Count);
        Assert.Equal(1, syncWrites);                                  // 100 changed users: one set call
        Assert.Equal(syncWrites, run.Summary.WriteCalls);
        Assert.Equal(users / 100 + 1, run.Summary.ReadCalls);         // the reads: 100 users a call, and the names once
        Assert.True((double)syncWrites / blindWrites <= 0.011, $"{syncWrites} writes against a blind Set's {blindWrites}");
        for (var i = 0; i < users; i++) Assert.Equal(Source(i).Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!), Store(service, Id(i)));
    }

    [Fact]
    public void Every_call_is_counted_as_a_read_or_a_write_retries_included()
    {
        var service = TestConnections.Emulator();
        service.Register("tier");
        var stub = service.CreateHandler();
        var failedOnce = false;
        // The first set call is refused for a transient error and sent again: two write calls.
        stub.Responder = r => r.Api == "im_set_attr" && !failedOnce && (failedOnce = true) ? StubResponse.Fail(91000, "internal") : service.Answer(r);
        using var connection = TestConnections.Open(stub);
        var run = Replace(connection, new[] { Desired("a", new Hashtable { ["tier"] = "gold" }) }, approve: true);

        Assert.Empty(run.Failures);
        Assert.Equal(stub.Requests.Count(r => r.Api is "im_get_attr" or "im_get_attr_name"), run.Summary.ReadCalls);
        Assert.Equal(2, run.Summary.WriteCalls);
        Assert.Equal(stub.Requests.Count, run.Summary.ReadCalls + run.Summary.WriteCalls);
        Assert.Contains("2 read calls, 2 write calls", run.Summary.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 drifted", run.Summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_replace_reads_diffs_and_reports_the_drift_under_WhatIf_and_writes_only_changed_users_when_approved()
    {
        var service = TestConnections.Emulator();
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub, ImService.Push);
        using (var seed = new BatchEngine<TagItem, UserTags>(BulkOperations.AddTags(connection, replace: false), new EngineOptions(), new CollectingSink<UserTags>()))
        {
            seed.Add(Items.Tags("a", new[] { "vip", "beta" }, ImService.Push).Result!);
            seed.Add(Items.Tags("b", new[] { "vip" }, ImService.Push).Result!);
            seed.Complete();
        }
        var before = stub.Requests.Count;
        Run<TagDrift> Sync(bool approve)
        {
            var run = new Run<TagDrift>();
            using var engine = new BatchEngine<TagItem, SyncResult<TagDrift>>(
                BulkOperations.ReplaceTags(connection, 4, (target, action) => { run.Questions.Add((target, action)); return approve; }), new EngineOptions { BatchSize = SyncCalls.UsersPerSync }, run);
            engine.Add(Items.Tags("a", new[] { "vip", "gold" }, ImService.Push).Result!);   // beta goes, gold comes
            engine.Add(Items.Tags("b", new[] { "vip" }, ImService.Push).Result!);           // already exact
            engine.Add(Items.Tags("c", new[] { "new" }, ImService.Push).Result!);           // had none
            engine.Complete();
            run.Summary = engine.Summary("Add-ImUserTag", false);
            return run;
        }

        var whatIf = Sync(approve: false);
        Assert.Equal(0, stub.Requests.Skip(before).Count(r => r.Api == "add_tag"));
        Assert.Equal(new[] { "a", "c" }, whatIf.Drifts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "gold" }, whatIf.Drifts["a"].Added);
        Assert.Equal(new[] { "beta" }, whatIf.Drifts["a"].Removed);
        Assert.Equal(new[] { "new" }, whatIf.Drifts["c"].Added);
        Assert.Equal(new[] { ("2 users: a, c", "Replace tags with vip, gold, new, removing beta") }, whatIf.Questions);
        Assert.Equal(new[] { "vip", "beta" }, service.TagsOf("a"));

        var real = Sync(approve: true);
        var add = stub.Requests.Skip(before).Single(r => r.Api == "add_tag");
        using (var body = JsonDocument.Parse(add.Body))
        {
            Assert.Equal(1, body.RootElement.GetProperty("Replace").GetInt32());
            Assert.Equal(new[] { "a", "c" }, body.RootElement.GetProperty("UserTags").EnumerateArray().Select(e => e.GetProperty("To_Account").GetString()));
        }
        Assert.Empty(real.Failures);
        Assert.Equal(new[] { "gold", "vip" }, service.TagsOf("a")!.Order(StringComparer.Ordinal));

        // Repeats of one user merged past 100 tags: TooManyTags, as the add itself would say, not a drift; nothing read for it.
        var many = new Run<TagDrift>();
        var reads = stub.Requests.Count(r => r.Api == "get_tag");
        using (var engine = new BatchEngine<TagItem, SyncResult<TagDrift>>(BulkOperations.ReplaceTags(connection, 4, (_, _) => false), new EngineOptions { BatchSize = SyncCalls.UsersPerSync }, many))
        {
            engine.Add(Items.Tags("d", Enumerable.Range(0, 60).Select(n => "x" + n).ToArray(), ImService.Push).Result!);
            engine.Add(Items.Tags("d", Enumerable.Range(60, 60).Select(n => "x" + n).ToArray(), ImService.Push).Result!);
            engine.Complete();
        }
        Assert.Equal(new[] { "TooManyTags", "TooManyTags" }, many.Failures.Select(f => f.ErrorId));   // each input item gets the outcome
        Assert.Empty(many.Drifts);
        Assert.Equal(reads, stub.Requests.Count(r => r.Api == "get_tag"));
        Assert.Equal(new[] { "vip" }, service.TagsOf("b"));
        Assert.Equal(new[] { "new" }, service.TagsOf("c"));
    }
}
