using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Operations;

/// <summary>
/// Issue 22, in the core: -Replace manages only the names the input carries (-RemoveUnlisted for the whole set), a
/// name the app does not register stops the run before it is sent, a removal that cannot be asked stops the run with
/// nothing removed, and a -Replace user that comes again after its batch was sent is refused, in the run as in the
/// report. Against the emulator in process.
/// </summary>
public class ManagedNamesTests
{
    private sealed class Run<TResult> : IEngineSink<TResult>
        where TResult : class
    {
        public List<TResult> Results { get; } = new();
        public List<ItemFailure> Failures { get; } = new();
        public List<(string Target, string Action)> Questions { get; } = new();
        public void OnResult(TResult result) => Results.Add(result);
        public void OnFailure(ItemFailure failure) => Failures.Add(failure);
        public void OnVerbose(string line) { }
        public void OnProgress(ProgressReport report) { }
    }

    private static KeyValuePair<string, object?> Cell(string name, object? value) => new(name, value);

    private static ItemOutcome<SetItem> Row(bool replace, bool removeUnlisted, params KeyValuePair<string, object?>[] cells) =>
        SetItem.Read(PipelineRecord.FromObject(new object(), cells), null, ImService.AllMemberPush, replace, removeUnlisted);

    private static (InProcessEmulator Service, StubHttpHandler Stub, ImConnection Connection) Seeded()
    {
        var service = TestConnections.Emulator();
        service.Register("city", "tier", "level");
        service.Seed("u1", new Hashtable { ["city"] = "Rome", ["tier"] = "gold", ["level"] = "3" });
        service.Seed("u2", new Hashtable { ["city"] = "Oslo", ["tier"] = "silver", ["level"] = "1" });
        var stub = service.CreateHandler();
        return (service, stub, TestConnections.Open(stub));
    }

    private static Run<SyncResult<AttributeDrift>> Replace(ImConnection connection, IEnumerable<ItemOutcome<SetItem>> input, Func<string, string, bool>? approveRemoval = null, int batchSize = SyncCalls.UsersPerSync)
    {
        var run = new Run<SyncResult<AttributeDrift>>();
        using var engine = new BatchEngine<SetItem, SyncResult<AttributeDrift>>(
            BulkOperations.ReplaceAttributes(connection, 8, (t, a) => { run.Questions.Add((t, a)); return true; }, approveRemoval: approveRemoval),
            new EngineOptions { BatchSize = batchSize, MaxHeldItems = Math.Max(batchSize, 100) }, run);
        foreach (var item in input)
        {
            if (item.Failure is not null) engine.AddFailure(item.Failure);
            else engine.Add(item.Result!);
        }
        engine.Complete();
        return run;
    }

    [Fact]
    public void A_missing_column_removes_nothing_an_empty_cell_or_DBNull_removes_and_a_null_property_is_left_alone()
    {
        var (service, _, connection) = Seeded();
        using (connection)
        {
            // cityonly.csv: the tier and level columns were dropped; u2's Select-Object made a level of $null.
            var run = Replace(connection, new[]
            {
                Row(true, false, Cell("UserId", "u1"), Cell("city", "Paris")),
                Row(true, false, Cell("UserId", "u2"), Cell("city", ""), Cell("tier", DBNull.Value), Cell("level", null)),
            });

            Assert.Empty(run.Failures);
            Assert.Equal(new Dictionary<string, string> { ["city"] = "Paris", ["tier"] = "gold", ["level"] = "3" }, service.AttributesOf("u1"));
            Assert.Equal(new Dictionary<string, string> { ["level"] = "1" }, service.AttributesOf("u2"));
            var u2 = run.Results.Single(r => r.UserId == "u2").Drift!;
            Assert.Equal(new[] { "city", "tier" }, u2.Removed.Keys.OrderBy(k => k, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void RemoveUnlisted_makes_the_row_the_whole_set_and_an_empty_table_without_it_is_AttributeSetEmpty()
    {
        var (service, _, connection) = Seeded();
        using (connection)
        {
            var whole = Row(true, true, Cell("UserId", "u1"), Cell("city", "Paris"));
            Assert.True(whole.Result!.RemoveUnlisted);
            var empty = SetItem.Read(PipelineRecord.ForUserId("u2"), new Hashtable(), ImService.AllMemberPush, replace: true);
            Assert.Equal(ErrorIds.AttributeSetEmpty, empty.Failure!.ErrorId);
            Assert.Contains("-RemoveUnlisted", empty.Failure.Message, StringComparison.Ordinal);
            var wipe = SetItem.Read(PipelineRecord.ForUserId("u2"), new Hashtable(), ImService.AllMemberPush, replace: true, removeUnlisted: true);

            var run = Replace(connection, new[] { whole, wipe });

            Assert.Empty(run.Failures);
            Assert.Equal(new Dictionary<string, string> { ["city"] = "Paris" }, service.AttributesOf("u1"));
            Assert.Empty(service.AttributesOf("u2") ?? new Dictionary<string, string>());
        }
    }

    [Fact]
    public void Repeats_in_one_batch_merge_a_later_empty_value_removing_an_earlier_one()
    {
        var earlier = Row(true, false, Cell("UserId", "u1"), Cell("city", "Paris"), Cell("tier", "")).Result!;
        var later = Row(true, false, Cell("UserId", "u1"), Cell("city", ""), Cell("tier", "gold")).Result!;
        var merged = new SetAttributesOperation().Merge(earlier, later);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "gold" }, merged.Attributes);
        Assert.Equal(new[] { "city" }, merged.Removes);
        Assert.False(merged.RemoveUnlisted);
    }

    [Fact]
    public void Verify_compares_only_the_carried_names_and_every_registered_name_with_RemoveUnlisted()
    {
        var held = new Dictionary<string, string> { ["city"] = "Paris", ["tier"] = "gold" };
        var registered = new[] { "city", "tier", "level" };
        var carried = Row(true, false, Cell("UserId", "u1"), Cell("city", "Paris"), Cell("level", "")).Result!;
        Assert.Null(new ReplaceReadBack(() => registered).Compare(carried, new UserAttributes("u1", held), new ReadBackShown(v => v)));
        var whole = Row(true, true, Cell("UserId", "u1"), Cell("city", "Paris")).Result!;
        var difference = new ReplaceReadBack(() => registered).Compare(whole, new UserAttributes("u1", held), new ReadBackShown(v => v));
        Assert.NotNull(difference);
        Assert.Contains("tier", difference!.Found, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ctiy", "city")]
    [InlineData("City", "city")]
    [InlineData("tire", "tier")]
    [InlineData("levl", "level")]
    [InlineData("department", null)]
    public void The_likely_meant_name_is_the_same_but_for_case_or_a_small_edit_away(string given, string? meant) =>
        Assert.Equal(meant, RegisteredNameCheck.LikelyMeant(given, new[] { "city", "tier", "level" }));

    [Fact]
    public void An_unregistered_name_is_one_error_naming_it_the_meant_name_and_how_to_leave_the_column_out_and_the_names_are_read_once()
    {
        var (_, stub, connection) = Seeded();
        using (connection)
        {
            var check = new RegisteredNameCheck(connection);
            var log = new QueuedCallLog();
            for (var i = 0; i < 50; i++) Assert.Null(check.Check(Row(false, false, Cell("UserId", "u" + i), Cell("city", "x"), Cell("tier", "")).Result!, log, default));
            var failure = check.Check(Row(false, false, Cell("UserId", "u9"), Cell("Ctiy", "x")).Result!, log, default);

            Assert.Equal(1, stub.Requests.Count(r => r.Api == "im_get_attr_name"));
            Assert.Equal(stub.Requests.Count, stub.Requests.Count(r => r.Api == "im_get_attr_name"));
            Assert.Equal(ErrorIds.AttributeNameNotRegistered, failure!.ErrorId);
            Assert.Contains("'Ctiy'", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Did you mean 'city'?", failure.Message, StringComparison.Ordinal);
            Assert.Contains("Select-Object -Property * -ExcludeProperty 'Ctiy'", failure.Message, StringComparison.Ordinal);
            var wrongCase = check.Check(new[] { "City" }, "u1", log, default);
            Assert.Contains("differs only in case from the registered 'city'", wrongCase!.Message, StringComparison.Ordinal);
            // An empty cell under a typo'd header is still a name the input gives.
            Assert.NotNull(check.Check(Row(false, false, Cell("UserId", "u1"), Cell("city", "x"), Cell("Tire", "")).Result!, log, default));
        }
    }

    [Fact]
    public void A_stop_before_an_item_accounts_for_the_calls_already_sent_and_sends_nothing_more()
    {
        var (service, stub, connection) = Seeded();
        using (connection)
        {
            var run = new Run<UserAttributes>();
            using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions(), run);
            for (var i = 0; i < 150; i++) engine.Add(Items.Set("s" + i, new Hashtable { ["city"] = "x" }, ImService.AllMemberPush).Result!);
            var stop = engine.StopBefore(ItemFailure.FromInput(RegisteredNameCheck.NotRegistered("Ctiy", new[] { "city" }, "late")));

            Assert.Equal(ErrorIds.AttributeNameNotRegistered, stop.ErrorId);
            Assert.Equal("late", stop.TargetObject);
            Assert.Equal(new[] { "late" }, stop.Failed);
            // The first 100 went as a call when the 100th came; the stop lets it finish if it went out, else it is
            // not sent (either is accounted for). The 50 gathered after it are never sent.
            Assert.Equal(150, stop.DoneBeforeStop + stop.Applied.Count + stop.NotSent.Count);
            Assert.All(Enumerable.Range(100, 50), i => Assert.Contains("s" + i, stop.NotSent));
            Assert.True(stub.Requests.Count(r => r.Api == "im_set_attr") <= 1);
            Assert.Contains("nothing more was sent", stop.Message, StringComparison.Ordinal);
            Assert.All(stop.Applied, u => Assert.Equal("x", service.AttributesOf(u)!["city"]));
            Assert.All(stop.NotSent, u => Assert.Null(service.AttributesOf(u)));
        }
    }

    [Fact]
    public void A_removal_that_cannot_be_asked_stops_the_run_with_one_error_and_removes_nothing()
    {
        var (service, stub, connection) = Seeded();
        using (connection)
        {
            var input = new[] { Row(true, false, Cell("UserId", "u1"), Cell("tier", "")), Row(true, false, Cell("UserId", "u2"), Cell("city", "Bergen")) };
            var run = new Run<SyncResult<AttributeDrift>>();
            using var engine = new BatchEngine<SetItem, SyncResult<AttributeDrift>>(
                BulkOperations.ReplaceAttributes(connection, 8, (_, _) => true,
                    approveRemoval: (target, _) => throw new RunRefusedException(new ItemFailure(new InvalidOperationException("cannot ask"), ErrorIds.RemovalNotConfirmed, ImErrorCategory.PermissionDenied, target))),
                new EngineOptions { BatchSize = SyncCalls.UsersPerSync }, run);
            foreach (var item in input) engine.Add(item.Result!);

            var stop = Assert.Throws<ImRunStoppedException>(() => engine.Complete());

            Assert.Equal(ErrorIds.RemovalNotConfirmed, stop.ErrorId);
            Assert.Equal(0, stub.Requests.Count(r => r.Api == "im_remove_attr"));
            Assert.Equal("gold", service.AttributesOf("u1")!["tier"]);
            Assert.Contains("u1", stop.NotSent);
        }
    }

    [Fact]
    public void A_replace_user_again_in_a_later_sync_batch_is_refused_naming_it_and_repeats_inside_one_batch_merge()
    {
        var (service, _, connection) = Seeded();
        using (connection)
        {
            // Batches of two users: u1 and u2 (u1 twice, merged), then u3 and u1 again.
            var run = Replace(connection, new[]
            {
                Row(true, false, Cell("UserId", "u1"), Cell("city", "Paris")),
                Row(true, false, Cell("UserId", "u1"), Cell("tier", "")),
                Row(true, false, Cell("UserId", "u2"), Cell("city", "Bergen")),
                Row(true, false, Cell("UserId", "u3"), Cell("city", "Lima")),
                Row(true, false, Cell("UserId", "u1"), Cell("level", "")),
            }, batchSize: 2);

            var refused = Assert.Single(run.Failures);
            Assert.Equal(ErrorIds.ReplaceUserRepeated, refused.ErrorId);
            Assert.Equal("u1", refused.TargetObject);
            Assert.Contains("'u1'", refused.Message, StringComparison.Ordinal);
            // The first batch's merged row landed; the refused row's removal did not.
            Assert.Equal(new Dictionary<string, string> { ["city"] = "Paris", ["level"] = "3" }, service.AttributesOf("u1"));
        }
    }

    [Fact]
    public void The_tag_report_equals_the_run_for_a_user_whose_rows_fall_into_two_calls()
    {
        var service = TestConnections.Emulator();
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub, ImService.Push);
        using (var seed = new BatchEngine<TagItem, UserTags>(BulkOperations.AddTags(connection, replace: false), new EngineOptions(), new Run<UserTags>()))
        {
            seed.Add(Items.Tags("x", new[] { "old" }, ImService.Push).Result!);
            seed.Complete();
        }
        // x's first row, 100 other users (so x's second row falls into the next call), then x again.
        IEnumerable<TagItem> Input() => new[] { Items.Tags("x", new[] { "vip" }, ImService.Push).Result! }
            .Concat(Enumerable.Range(0, 100).Select(i => Items.Tags("o" + i, new[] { "t" }, ImService.Push).Result!))
            .Concat(new[] { Items.Tags("x", new[] { "beta" }, ImService.Push).Result! });

        var report = new Run<SyncResult<TagDrift>>();
        using (var engine = new BatchEngine<TagItem, SyncResult<TagDrift>>(BulkOperations.ReplaceTags(connection, 4, (_, _) => false), new EngineOptions(), report))
        {
            foreach (var item in Input()) engine.Add(item);
            engine.Complete();
        }
        var run = new Run<UserTags>();
        using (var engine = new BatchEngine<TagItem, UserTags>(BulkOperations.AddTags(connection, replace: true), new EngineOptions(), run))
        {
            foreach (var item in Input()) engine.Add(item);
            engine.Complete();
        }

        var reported = report.Results.Where(r => r.UserId == "x").Select(r => r.Drift!).Single();
        Assert.Equal(new[] { "vip" }, reported.Added);
        Assert.Equal(new[] { "old" }, reported.Removed);
        Assert.Equal(ErrorIds.ReplaceUserRepeated, Assert.Single(report.Failures).ErrorId);
        Assert.Equal(ErrorIds.ReplaceUserRepeated, Assert.Single(run.Failures).ErrorId);
        Assert.Equal(new[] { "vip" }, service.TagsOf("x"));
    }

    [Theory]
    [InlineData(" alice")]
    [InlineData("alice ")]
    [InlineData("\u3000alice")]
    public void A_user_id_with_a_blank_at_either_end_is_UserIdPadded(string id)
    {
        var bad = InputRules.CheckUserId(id, ImService.AllMemberPush);
        Assert.Equal(ErrorIds.UserIdPadded, bad!.ErrorId);
        Assert.Contains("'alice'", bad.Message, StringComparison.Ordinal);
        Assert.Null(InputRules.CheckUserId("al ice", ImService.AllMemberPush));
    }
}
