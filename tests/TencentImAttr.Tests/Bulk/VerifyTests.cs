using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Operations;
using TencentImAttr.Emulator;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Bulk;

/// <summary>
/// -Verify (<see cref="VerifiedWrites{TItem,TResult,TReadItem,TState}"/>) against the emulator in process. Time is an
/// <see cref="InstantClock"/> shared by the connection and the emulator: the settle delay and the backoffs pass at
/// once and move the clock on, and a call the emulator holds (LateApply) lands when that clock passes its due time,
/// before the next call is answered. A held or stalled call ends in the client's timeout at once
/// (<see cref="StubResponse.TimedOut"/>), so nothing here depends on how fast the machine is.
/// </summary>
public class VerifyTests
{
    /// <summary>Long enough for any answer of a busy machine: a stall ends in the client's timeout at once (<see cref="StubResponse.TimedOut"/>).</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly VerifyOptions Verify = VerifyOptions.Default;

    /// <summary>The emulator faulting the first <paramref name="faults"/> im_set_attr calls, one kind each in turn, on the shared clock.</summary>
    private static (StubHttpHandler Stub, InProcessEmulator Service) FirstSetsFaulted(InstantClock clock, params InjectedFault[] faults)
    {
        var service = TestConnections.Emulator(o =>
        {
            o.FailRate = 1;
            o.Faults = faults;
            o.MaxFaults = faults.Length;
            o.FaultApis = new[] { "im_set_attr" };
            o.LateApplyMs = 3000;
        }, clock);
        service.Register("tier", "city");
        return (service.CreateTimingOutHandler(), service);
    }

    private static CollectingSink<TResult> Run<TItem, TResult>(IBatchOperation<TItem, TResult> operation, IEnumerable<TItem> items, out BulkRunSummary summary)
        where TItem : class
        where TResult : class
    {
        var sink = new CollectingSink<TResult>();
        using var engine = new BatchEngine<TItem, TResult>(operation, new EngineOptions { ThrottleLimit = 4 }, sink);
        foreach (var item in items) engine.Add(item);
        engine.Complete();
        summary = engine.Summary("test", stopped: false);
        return sink;
    }

    private static SetItem Set(string user, string tier) => Items.Set(user, new Hashtable { ["tier"] = tier }, ImService.AllMemberPush).Result!;

    private static IEnumerable<string> Filler(int count) => Enumerable.Range(0, count).Select(i => "f" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture));

    private static List<RecordedRequest> Calls(StubHttpHandler stub, string api) => stub.Requests.Where(r => r.Api == api).ToList();

    private static List<string> UsersOf(RecordedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        return root.TryGetProperty("UserAttrs", out var entries)
            ? entries.EnumerateArray().Select(e => e.GetProperty("To_Account").GetString()!).ToList()
            : root.GetProperty("To_Account").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    [Fact]
    public void Without_verify_a_user_written_again_in_the_same_command_is_overwritten_by_its_first_write_landing_late()
    {
        // The issue's report, reproduced: x's first call is held and lands 3 s later; the retry succeeded, the module
        // reported x done and sent x's next value; then the abandoned call landed over it.
        var clock = new InstantClock();
        var (stub, service) = FirstSetsFaulted(clock, InjectedFault.LateApply);
        using var connection = TestConnections.Open(stub, clock: clock, timeout: Timeout, maxRetry: 3);

        var sink = Run(BulkOperations.Set(connection), Filler(99).Select(u => Set(u, "gold")).Prepend(Set("x", "silver")).Append(Set("x", "gold")), out _);

        Assert.Empty(sink.Failures);
        Assert.Equal("gold", sink.Results.Last(r => r.UserId == "x").Attributes["tier"]);
        Assert.Equal(1, service.Service.HeldCalls);
        _ = clock.Delay(TimeSpan.FromSeconds(5), default);   // an InstantClock's delay has passed when it returns
        Assert.Equal(1, service.Service.LandDueCalls());
        Assert.Equal("silver", service.AttributesOf("x")!["tier"]);   // reported gold, holds silver
    }

    [Fact]
    public void With_verify_the_later_write_of_that_user_waits_for_the_settle_delay_so_the_stale_call_lands_first()
    {
        var clock = new InstantClock();
        var (stub, service) = FirstSetsFaulted(clock, InjectedFault.LateApply);
        using var connection = TestConnections.Open(stub, clock: clock, timeout: Timeout, maxRetry: 3);

        var sink = Run(BulkOperations.Set(connection, verify: Verify), Filler(99).Select(u => Set(u, "gold")).Prepend(Set("x", "silver")).Append(Set("x", "gold")), out var summary);

        Assert.Empty(sink.Failures);
        Assert.Equal(0, service.Service.HeldCalls);
        Assert.Equal("gold", service.AttributesOf("x")!["tier"]);
        Assert.All(Filler(99), u => Assert.Equal("gold", service.AttributesOf(u)!["tier"]));
        // Calls, exactly: the held set, its retry, then x's second set; one read per set call that succeeded.
        var sets = Calls(stub, "im_set_attr");
        Assert.Equal(3, sets.Count);
        Assert.Equal(new[] { "x" }, UsersOf(sets[2]));
        var gets = Calls(stub, "im_get_attr");
        Assert.Equal(2, gets.Count);
        Assert.Equal(101, summary.Verified);
        Assert.Equal(0, summary.Mismatched);
        // The second write went out after the settle delay: the clock passed it (backoff aside) before x's second set.
        Assert.True(clock.TotalDelay >= Verify.Settle, $"{clock.TotalDelay}");
        Assert.True(stub.Requests.ToList().IndexOf(sets[2]) > stub.Requests.ToList().IndexOf(gets[0]), "x's second set went before its first read-back");
    }

    [Fact]
    public void A_stale_call_landing_during_the_settle_delay_is_caught_and_corrected()
    {
        // Run 1, without -Verify, sets x to silver; its first call is held and lands 3 s later. Run 2, with -Verify,
        // sets x to gold; its first call stalls after applying (outcome unknown), the retry succeeds, so x is read back
        // after the settle delay: by then run 1's stale call has landed, x reads silver, gold is sent once more, and the
        // second read finds gold.
        var clock = new InstantClock();
        var (stub, service) = FirstSetsFaulted(clock, InjectedFault.LateApply);
        using var connection = TestConnections.Open(stub, clock: clock, timeout: Timeout, maxRetry: 3);

        var first = Run(BulkOperations.Set(connection), new[] { Set("x", "silver"), Set("y", "silver") }, out _);
        Assert.Empty(first.Failures);
        Assert.Equal(1, service.Service.HeldCalls);

        // Run 2's first set is applied, then its answer never comes (the emulator's Stall, on this handler alone).
        var stub2 = service.CreateHandlerLosingFirstAnswerOf("im_set_attr");
        using var connection2 = TestConnections.Open(stub2, clock: clock, timeout: Timeout, maxRetry: 3);
        var second = Run(BulkOperations.Set(connection2, verify: Verify), new[] { Set("x", "gold"), Set("y", "silver") }, out var summary);

        Assert.Empty(second.Failures);
        Assert.Equal(new[] { "x", "y" }, second.Results.Select(r => r.UserId));
        Assert.Equal("gold", service.AttributesOf("x")!["tier"]);
        Assert.Equal("silver", service.AttributesOf("y")!["tier"]);
        Assert.Equal(0, service.Service.HeldCalls);
        // Run 2's calls, exactly: set (stalled), set (retry), get (x reads silver), set x once more, get x.
        Assert.Equal(2, stub.Requests.Count(r => r.Api == "im_set_attr"));   // run 1: the held call and its retry
        var calls = stub2.Requests;
        Assert.Equal(new[] { "im_set_attr", "im_set_attr", "im_get_attr", "im_set_attr", "im_get_attr" }, calls.Select(c => c.Api));
        Assert.Equal(new[] { "x", "y" }, UsersOf(calls[2]));
        Assert.Equal(new[] { "x" }, UsersOf(calls[3]));
        Assert.Equal(new[] { "x" }, UsersOf(calls[4]));
        Assert.Equal(2, summary.Verified);
        Assert.Equal(1, summary.Mismatched);
    }

    [Fact]
    public void Users_whose_writes_had_known_outcomes_are_verified_without_delay_one_read_per_call()
    {
        var clock = new InstantClock();
        var service = TestConnections.Emulator(clock: clock);
        service.Register("tier");
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub, clock: clock);
        var users = Enumerable.Range(0, 250).Select(i => "u" + i).ToList();

        var sink = Run(BulkOperations.Set(connection, verify: Verify), users.Select(u => Set(u, "gold")), out var summary);

        Assert.Equal(250, sink.Results.Count);
        Assert.Equal(TimeSpan.Zero, clock.TotalDelay);   // no settle delay, no backoff: nothing waited
        var sets = Calls(stub, "im_set_attr");
        var gets = Calls(stub, "im_get_attr");
        Assert.Equal(3, sets.Count);
        Assert.Equal(3, gets.Count);
        // Each read carries the users of one write call.
        static string Key(RecordedRequest r) => string.Join(",", UsersOf(r).OrderBy(u => u, StringComparer.Ordinal));
        Assert.Equal(sets.Select(Key).Order(StringComparer.Ordinal), gets.Select(Key).Order(StringComparer.Ordinal));
        Assert.Equal(250, summary.Verified);
        Assert.Equal(0, summary.Mismatched);
        Assert.Contains("250 verified (0 differed and were sent again)", summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_verify_the_summary_has_no_verify_counts()
    {
        var service = TestConnections.Emulator();
        service.Register("tier");
        using var connection = TestConnections.Open(service.CreateHandler());
        Run(BulkOperations.Set(connection), new[] { Set("u", "gold") }, out var summary);
        Assert.Null(summary.Verified);
        Assert.Null(summary.Mismatched);
        Assert.DoesNotContain("verified", summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_mismatch_that_persists_is_ImVerifyMismatch_naming_the_user_with_expected_and_found_values()
    {
        // Every set is answered OK and lost (LostWrite): x keeps silver however often gold is sent. y already holds
        // what it is given, so it verifies.
        var service = TestConnections.Emulator(o =>
        {
            o.FailRate = 1;
            o.Faults = new[] { InjectedFault.LostWrite };
            o.FaultApis = new[] { "im_set_attr" };
        });
        service.Register("tier", "city");
        service.Seed("x", new Hashtable { ["tier"] = "silver", ["city"] = "Shenzhen" });
        service.Seed("y", new Hashtable { ["tier"] = "gold" });
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);

        var sink = Run(BulkOperations.Set(connection, verify: Verify),
            new[] { Items.Set("x", new Hashtable { ["tier"] = "gold", ["city"] = "Shenzhen" }, ImService.AllMemberPush).Result!, Set("y", "gold") }, out var summary);

        var failure = Assert.Single(sink.Failures);
        Assert.Equal(ErrorIds.VerifyMismatch, failure.ErrorId);
        Assert.Equal("x", failure.TargetObject);
        Assert.Equal(ImErrorCategory.InvalidResult, failure.Category);
        Assert.IsType<VerifyMismatchException>(failure.Exception);
        Assert.Contains("User 'x'", failure.Message, StringComparison.Ordinal);
        Assert.Contains("expected tier='gold'; found tier='silver'", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("city", failure.Message, StringComparison.Ordinal);   // only what differs
        Assert.Equal(new[] { "y" }, sink.Results.Select(r => r.UserId));
        Assert.Equal(new object[] { failure, sink.Results[0] }, sink.Outcomes);   // input order
        // Calls, exactly: set, get (both), set x once more, get x. Never a third write.
        Assert.Equal(new[] { "im_set_attr", "im_get_attr", "im_set_attr", "im_get_attr" }, stub.Requests.Select(r => r.Api));
        Assert.Equal(new[] { "x" }, UsersOf(stub.Requests[2]));
        Assert.Equal(2, summary.Verified);
        Assert.Equal(1, summary.Mismatched);
        Assert.Equal(1, summary.FailedByErrorId[ErrorIds.VerifyMismatch]);
    }

    [Fact]
    public void A_mismatch_message_escapes_the_values_and_never_shows_the_usersig()
    {
        var service = TestConnections.Emulator(o =>
        {
            o.FailRate = 1;
            o.Faults = new[] { InjectedFault.LostWrite };
            o.FaultApis = new[] { "im_set_attr" };
        });
        service.Register("tier", "city");
        // A hostile store: a terminal escape in one value, the connection's own UserSig in another.
        service.Seed("x", new Hashtable { ["tier"] = "\u001b[2Jsilver", ["city"] = "sig=" + TestConnections.UserSig });
        using var connection = TestConnections.Open(service.CreateHandler());

        var sink = Run(BulkOperations.Set(connection, verify: Verify), new[] { Items.Set("x", new Hashtable { ["tier"] = "gold", ["city"] = "Tokyo" }, ImService.AllMemberPush).Result! }, out _);

        var message = Assert.Single(sink.Failures).Message;
        Assert.Contains(@"tier='\u001B[2Jsilver'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestConnections.UserSig, message, StringComparison.Ordinal);
        Assert.Contains("city='sig=***'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("remove attributes")]
    [InlineData("add tags")]
    [InlineData("remove tags")]
    [InlineData("clear tags")]
    public void Every_write_is_verified_and_a_lost_one_is_ImVerifyMismatch(string write)
    {
        var api = write switch { "remove attributes" => "im_remove_attr", "add tags" => "im_add_tag", "remove tags" => "im_remove_tag", _ => "im_remove_all_tags" };
        var service = TestConnections.Emulator(o =>
        {
            o.FailRate = 1;
            o.Faults = new[] { InjectedFault.LostWrite };
            o.FaultApis = new[] { api };
        });
        service.Register("tier", "city");
        // Before: x has city and the tags vip, beta; after a lost write it still has them.
        service.Seed("x", new Hashtable { ["city"] = "Shenzhen" });
        using var connection = TestConnections.Open(service.CreateHandler());
        if (write != "add tags")
        {
            // Faults strike only the write under test, so this add lands.
            Run(BulkOperations.AddTags(connection, replace: false), new[] { Items.Tags("x", new[] { "vip", "beta" }, ImService.AllMemberPush).Result! }, out _);
        }

        var failures = write switch
        {
            "remove attributes" => Run(BulkOperations.Remove(connection, verify: Verify), new[] { Items.Remove("x", new[] { "city" }, ImService.AllMemberPush).Result! }, out _).Failures,
            "add tags" => Run(BulkOperations.AddTags(connection, replace: false, verify: Verify), new[] { Items.Tags("x", new[] { "vip" }, ImService.AllMemberPush).Result! }, out _).Failures,
            "remove tags" => Run(BulkOperations.RemoveTags(connection, verify: Verify), new[] { Items.Tags("x", new[] { "vip" }, ImService.AllMemberPush).Result! }, out _).Failures,
            _ => Run(BulkOperations.ClearTags(connection, verify: Verify), new[] { Items.Get("x", ImService.AllMemberPush).Result! }, out _).Failures,
        };

        var failure = Assert.Single(failures);
        Assert.Equal(ErrorIds.VerifyMismatch, failure.ErrorId);
        Assert.Equal("x", failure.TargetObject);
        var expected = write switch
        {
            "remove attributes" => "expected city not set; found city='Shenzhen'",
            "add tags" => "expected the tags 'vip'; found no tags (missing 'vip')",
            "remove tags" => "expected none of the tags 'vip'; found tags 'vip', 'beta'",
            _ => "expected no tags; found tags 'vip', 'beta'",
        };
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("remove attributes")]
    [InlineData("add tags")]
    [InlineData("remove tags")]
    [InlineData("clear tags")]
    public void Every_write_that_landed_verifies(string write)
    {
        var service = TestConnections.Emulator();
        service.Register("tier", "city");
        service.Seed("x", new Hashtable { ["city"] = "Shenzhen" });
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);
        Run(BulkOperations.AddTags(connection, replace: false), new[] { Items.Tags("x", new[] { "vip", "beta" }, ImService.AllMemberPush).Result! }, out _);
        var before = stub.Requests.Count;

        BulkRunSummary summary;
        var failures = write switch
        {
            "remove attributes" => Run(BulkOperations.Remove(connection, verify: Verify), new[] { Items.Remove("x", new[] { "city" }, ImService.AllMemberPush).Result! }, out summary).Failures,
            "add tags" => Run(BulkOperations.AddTags(connection, replace: false, verify: Verify), new[] { Items.Tags("x", Enumerable.Range(0, 15).Select(i => "t" + i).ToArray(), ImService.AllMemberPush).Result! }, out summary).Failures,
            "remove tags" => Run(BulkOperations.RemoveTags(connection, verify: Verify), new[] { Items.Tags("x", new[] { "vip" }, ImService.AllMemberPush).Result! }, out summary).Failures,
            _ => Run(BulkOperations.ClearTags(connection, verify: Verify), new[] { Items.Get("x", ImService.AllMemberPush).Result! }, out summary).Failures,
        };

        Assert.Empty(failures);
        Assert.Equal(1, summary.Verified);
        var reads = stub.Requests.Skip(before).Count(r => r.Api is "im_get_attr" or "im_get_tag");
        Assert.Equal(1, reads);
    }
}
