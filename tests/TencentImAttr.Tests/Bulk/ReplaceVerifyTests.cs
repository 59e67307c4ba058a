using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Operations;
using TencentImAttr.Emulator;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Bulk;

/// <summary>
/// Set-ImUserAttribute -Replace -Verify in the core, against the emulator in process: only the users a sync wrote are
/// read back, in calls of at most 100; a user found different runs the sync once more (read, compare, write) and is
/// read again; one still different is ImVerifyMismatch. Time is an <see cref="InstantClock"/> shared by the
/// connection and the emulator (the settle delay passes at once and moves the clock on; a held call lands when that
/// clock passes its due time), so nothing here depends on how fast the machine is.
/// </summary>
public class ReplaceVerifyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly VerifyOptions Verify = VerifyOptions.Default;

    private static CollectingSink<SyncResult<AttributeDrift>> Sync(ImConnection connection, IEnumerable<SetItem> items, out BulkRunSummary summary, bool approve = true, VerifyOptions? verify = null)
    {
        var sink = new CollectingSink<SyncResult<AttributeDrift>>();
        using var engine = new BatchEngine<SetItem, SyncResult<AttributeDrift>>(
            BulkOperations.ReplaceAttributes(connection, 8, (_, _) => approve, verify: verify ?? Verify),
            new EngineOptions { BatchSize = SyncCalls.UsersPerSync, ThrottleLimit = 8 }, sink);
        foreach (var item in items) engine.Add(item);
        engine.Complete();
        summary = engine.Summary("Set-ImUserAttribute", stopped: false);
        return sink;
    }

    private static SetItem Desired(string user, IDictionary attributes) =>
        SetItem.Read(Core.Input.PipelineRecord.ForUserId(user), attributes, ImService.AllMemberPush, replace: true, removeUnlisted: true).Result!;

    private static List<string> UsersOf(RecordedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        return root.TryGetProperty("UserAttrs", out var entries)
            ? entries.EnumerateArray().Select(e => e.GetProperty("To_Account").GetString()!).ToList()
            : root.GetProperty("To_Account").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private static Dictionary<string, string> Store(InProcessEmulator service, string user) => service.AttributesOf(user) ?? new Dictionary<string, string>();

    /// <summary>The emulator faulting writes of <paramref name="apis"/> with <paramref name="fault"/> (at most <paramref name="maxFaults"/> times; null: always).</summary>
    private static InProcessEmulator Faulted(InjectedFault fault, int? maxFaults, global::TencentImAttr.Emulator.IEmulatorClock? clock, params string[] apis)
    {
        var service = TestConnections.Emulator(o =>
        {
            o.FailRate = 1;
            o.Faults = new[] { fault };
            if (maxFaults is { } max) o.MaxFaults = max;
            o.FaultApis = apis;
            o.LateApplyMs = 3000;
        }, clock);
        service.Register("tier", "city", "level");
        return service;
    }

    [Fact]
    public void A_stale_call_landing_during_the_settle_delay_of_a_sync_is_caught_and_the_sync_runs_again_for_that_user()
    {
        // Run 1, a plain Set, sets x to silver; its first call is held and lands 3 s later. Run 2, a -Replace -Verify
        // sync, makes x exactly tier=gold: its first set is applied and its answer never comes (outcome unknown), the
        // retry succeeds, so the users of that call are read back after the settle delay: by then run 1's stale call
        // has landed, x reads silver, the sync runs again for x alone (read, compare, set), and the read after it finds gold.
        var clock = new InstantClock();
        var service = Faulted(InjectedFault.LateApply, 1, clock, "im_set_attr");
        service.Seed("same", new Hashtable { ["tier"] = "gold" });
        var stub = service.CreateTimingOutHandler();
        using (var connection = TestConnections.Open(stub, clock: clock, timeout: Timeout, maxRetry: 3))
        {
            var first = new CollectingSink<UserAttributes>();
            using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions(), first);
            engine.Add(Items.Set("x", new Hashtable { ["tier"] = "silver" }, ImService.AllMemberPush).Result!);
            engine.Complete();
            Assert.Empty(first.Failures);
        }
        Assert.Equal(1, service.Service.HeldCalls);

        var stub2 = service.CreateHandlerLosingFirstAnswerOf("im_set_attr");
        using var connection2 = TestConnections.Open(stub2, clock: clock, timeout: Timeout, maxRetry: 3);
        var sink = Sync(connection2, new[]
        {
            Desired("x", new Hashtable { ["tier"] = "gold" }),
            Desired("y", new Hashtable { ["tier"] = "bronze", ["city"] = "" }),
            Desired("same", new Hashtable { ["tier"] = "gold" }),
        }, out var summary);

        Assert.Empty(sink.Failures);
        Assert.Equal(0, service.Service.HeldCalls);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "gold" }, Store(service, "x"));
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "bronze" }, Store(service, "y"));
        Assert.True(clock.TotalDelay >= Verify.Settle, $"{clock.TotalDelay}");
        // Run 2's calls, exactly: the names, the sync's read, set (stalled), set (retry), then after the settle delay the
        // read-back of the two users written, the second pass for x (read, set), and x read again. "same" is read once.
        var calls = stub2.Requests.ToList();
        Assert.Equal(new[] { "im_get_attr_name", "im_get_attr", "im_set_attr", "im_set_attr", "im_get_attr", "im_get_attr", "im_set_attr", "im_get_attr" }, calls.Select(c => c.Api));
        Assert.Equal(new[] { "x", "y", "same" }, UsersOf(calls[1]));
        Assert.Equal(new[] { "x", "y" }, UsersOf(calls[4]));
        Assert.Equal(new[] { "x" }, UsersOf(calls[5]));
        Assert.Equal(new[] { "x" }, UsersOf(calls[6]));
        Assert.Equal(new[] { "x" }, UsersOf(calls[7]));
        Assert.Equal(2, summary.Verified);
        Assert.Equal(1, summary.Mismatched);
        Assert.Equal(5, summary.ReadCalls);
        Assert.Equal(3, summary.WriteCalls);
        Assert.Equal(2, summary.Drifted);   // the second pass is not drift again
        Assert.Equal(3, summary.Done);
        // The drift reported is the first pass's: what the source said was wrong.
        var x = sink.Results.Single(r => r.UserId == "x").Drift!;
        Assert.Equal("gold", x.Changed["tier"].New);
    }

    [Fact]
    public void A_lost_write_during_a_sync_is_caught_read_again_resent_and_the_store_ends_exact()
    {
        // The sync's first set call is answered OK and lost; its remove lands.
        var service = Faulted(InjectedFault.LostWrite, 1, null, "im_set_attr");
        service.Seed("extra", new Hashtable { ["tier"] = "gold", ["city"] = "Beijing", ["level"] = "3" });
        service.Seed("same", new Hashtable { ["tier"] = "silver" });
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);

        var sink = Sync(connection, new[]
        {
            Desired("extra", new Hashtable { ["tier"] = "gold", ["city"] = "Shenzhen" }),
            Desired("same", new Hashtable { ["tier"] = "silver" }),
            Desired("missing", new Hashtable { ["tier"] = "bronze", ["city"] = "Tokyo" }),
        }, out var summary);

        Assert.Empty(sink.Failures);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "gold", ["city"] = "Shenzhen" }, Store(service, "extra"));
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "silver" }, Store(service, "same"));
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "bronze", ["city"] = "Tokyo" }, Store(service, "missing"));
        Assert.Equal(new[] { "im_get_attr_name", "im_get_attr", "im_set_attr", "im_remove_attr", "im_get_attr", "im_get_attr", "im_set_attr", "im_get_attr" },
            stub.Requests.Select(r => r.Api));
        Assert.Equal(new[] { "extra", "missing" }, UsersOf(stub.Requests[4]));   // the read-back: written users only
        Assert.Equal(new[] { "extra", "missing" }, UsersOf(stub.Requests[6]));   // re-sent: the second pass's drift (level was already removed)
        Assert.Equal(2, summary.Verified);
        Assert.Equal(2, summary.Mismatched);
        Assert.Equal(2, summary.Drifted);
        Assert.Equal(5, summary.ReadCalls);
        Assert.Equal(3, summary.WriteCalls);
        Assert.Equal(new[] { "extra", "missing" }, sink.Results.Where(r => r.Drift is not null).Select(r => r.UserId));
    }

    [Fact]
    public void A_persistent_mismatch_is_ImVerifyMismatch_naming_the_user_with_expected_and_found_values_and_never_a_third_write()
    {
        // Every set and remove is answered OK and lost: x keeps silver, z keeps its extra registered name.
        var service = Faulted(InjectedFault.LostWrite, null, null, "im_set_attr", "im_remove_attr");
        service.Seed("x", new Hashtable { ["tier"] = "silver", ["city"] = "Shenzhen" });
        service.Seed("z", new Hashtable { ["tier"] = "gold", ["level"] = "3" });
        service.Seed("y", new Hashtable { ["tier"] = "gold" });
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);

        var sink = Sync(connection, new[]
        {
            Desired("x", new Hashtable { ["tier"] = "gold", ["city"] = "Shenzhen" }),
            Desired("y", new Hashtable { ["tier"] = "gold" }),
            Desired("z", new Hashtable { ["tier"] = "gold" }),
        }, out var summary);

        Assert.Equal(2, sink.Failures.Count);
        Assert.All(sink.Failures, f =>
        {
            Assert.Equal(ErrorIds.VerifyMismatch, f.ErrorId);
            Assert.Equal(ImErrorCategory.InvalidResult, f.Category);
            Assert.IsType<VerifyMismatchException>(f.Exception);
        });
        var x = sink.Failures.Single(f => (string)f.TargetObject! == "x");
        Assert.Contains("User 'x'", x.Message, StringComparison.Ordinal);
        Assert.Contains("expected tier='gold'; found tier='silver'", x.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("city", x.Message, StringComparison.Ordinal);   // only what differs
        var z = sink.Failures.Single(f => (string)f.TargetObject! == "z");
        Assert.Contains("expected level not set; found level='3'", z.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { "y" }, sink.Results.Select(r => r.UserId));   // equal from the start: done, no write, no read-back
        Assert.Equal(new[] { "im_get_attr_name", "im_get_attr", "im_set_attr", "im_remove_attr", "im_get_attr", "im_get_attr", "im_set_attr", "im_remove_attr", "im_get_attr" },
            stub.Requests.Select(r => r.Api));
        Assert.Equal(new[] { "x", "z" }, UsersOf(stub.Requests[4]));
        Assert.Equal(new[] { "x", "z" }, UsersOf(stub.Requests[8]));
        Assert.Equal(2, summary.Verified);
        Assert.Equal(2, summary.Mismatched);
        Assert.Equal(2, summary.FailedByErrorId[ErrorIds.VerifyMismatch]);
    }

    [Fact]
    public void Only_changed_users_are_read_back_in_calls_of_at_most_100_and_the_call_counts_are_exact()
    {
        // 2,500 users already equal but every 10th (250 changed, scattered over the 25 read calls).
        var clock = new InstantClock();
        var service = TestConnections.Emulator(clock: clock);
        service.Register("tier");
        var users = Enumerable.Range(0, 2500).Select(i => "u" + i.ToString("D4", CultureInfo.InvariantCulture)).ToList();
        foreach (var u in users) service.Seed(u, new Hashtable { ["tier"] = "gold" });
        var changed = users.Where((_, i) => i % 10 == 0).ToHashSet(StringComparer.Ordinal);
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub, clock: clock);

        var sink = Sync(connection, users.Select(u => Desired(u, new Hashtable { ["tier"] = changed.Contains(u) ? "silver" : "gold" })), out var summary);

        Assert.Empty(sink.Failures);
        Assert.All(users, u => Assert.Equal(changed.Contains(u) ? "silver" : "gold", Store(service, u)["tier"]));
        Assert.Equal(TimeSpan.Zero, clock.TotalDelay);   // every write answered: no settle delay
        var requests = stub.Requests.ToList();
        var firstSet = requests.FindIndex(r => r.Api == "im_set_attr");
        var syncReads = requests.Take(firstSet).Where(r => r.Api == "im_get_attr").ToList();
        var readBacks = requests.Skip(firstSet).Where(r => r.Api == "im_get_attr").ToList();
        Assert.Equal(25, syncReads.Count);
        Assert.Equal(3, readBacks.Count);
        Assert.All(readBacks, r => Assert.InRange(UsersOf(r).Count, 1, 100));
        Assert.Equal(changed.Order(StringComparer.Ordinal), readBacks.SelectMany(UsersOf).Order(StringComparer.Ordinal));
        Assert.Equal(3, requests.Count(r => r.Api == "im_set_attr"));
        Assert.Equal(0, requests.Count(r => r.Api == "im_remove_attr"));
        Assert.Equal(250, summary.Verified);
        Assert.Equal(0, summary.Mismatched);
        Assert.Equal(1 + 25 + 3, summary.ReadCalls);
        Assert.Equal(3, summary.WriteCalls);
        Assert.Equal(2500, summary.Done);
        Assert.Equal(250, summary.Drifted);
    }

    [Fact]
    public void A_sync_of_unchanged_users_reads_them_once_and_reads_nothing_back()
    {
        var service = TestConnections.Emulator();
        service.Register("tier", "city");
        service.Seed("a", new Hashtable { ["tier"] = "gold" });
        service.Seed("b", new Hashtable { ["tier"] = "silver", ["city"] = "Tokyo" });
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);

        var sink = Sync(connection, new[] { Desired("a", new Hashtable { ["tier"] = "gold", ["city"] = "" }), Desired("b", new Hashtable { ["tier"] = "silver", ["city"] = "Tokyo" }) }, out var summary);

        Assert.Empty(sink.Failures);
        Assert.Equal(new[] { "im_get_attr_name", "im_get_attr" }, stub.Requests.Select(r => r.Api));
        Assert.Equal(0, summary.Verified);
        Assert.Equal(0, summary.Mismatched);
        Assert.Equal(0, summary.WriteCalls);
        Assert.Equal(2, summary.Done);
    }

    [Fact]
    public void WhatIf_with_verify_is_the_drift_report_alone_nothing_written_and_nothing_read_back()
    {
        var service = TestConnections.Emulator();
        service.Register("tier");
        service.Seed("a", new Hashtable { ["tier"] = "gold" });
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);

        var sink = Sync(connection, new[] { Desired("a", new Hashtable { ["tier"] = "silver" }) }, out var summary, approve: false);

        Assert.Empty(sink.Failures);
        Assert.Equal("silver", Assert.Single(sink.Results).Drift!.Changed["tier"].New);
        Assert.Equal(new[] { "im_get_attr_name", "im_get_attr" }, stub.Requests.Select(r => r.Api));
        Assert.Equal("gold", Store(service, "a")["tier"]);
        Assert.Equal(0, summary.Verified);
        Assert.Equal(0, summary.WriteCalls);
    }
}
