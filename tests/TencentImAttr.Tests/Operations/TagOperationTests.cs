using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Operations;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Operations;

/// <summary>The tag calls' wire shapes against Tencent's samples, Get's matching, and a long list sent in ordered parts.</summary>
public class TagOperationTests
{
    // The sample request of Tencent's "Adding User Tags" pages (both families show the same body).
    private const string AddSample = "{\"UserTags\": [{\"To_Account\": \"xiaojun012\",\"Tags\": [\"a\", \"b\"]},{\"To_Account\": \"xiaojun013\",\"Tags\": [\"a\", \"b\"]}]}";

    private static (List<TResult> Results, List<ItemFailure> Failures) Run<TItem, TResult>(IBatchOperation<TItem, TResult> op, IEnumerable<ItemOutcome<TItem>> items)
        where TItem : class where TResult : class
    {
        var sink = new CollectingSink<TResult>();
        using (var engine = new BatchEngine<TItem, TResult>(op, new EngineOptions { ThrottleLimit = 4 }, sink))
        {
            foreach (var item in items)
            {
                if (item.Failure is not null) engine.AddFailure(item.Failure);
                else engine.Add(item.Result!);
            }
            engine.Complete();
        }
        return (sink.Results, sink.Failures);
    }

    private static void AssertJsonEqual(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}\nactual   {actual}");

    private static string[] Numbered(int count) => Enumerable.Range(1, count).Select(i => "t" + i).ToArray();

    [Fact]
    public void Add_request_is_the_documented_sample_without_replace_on_all_member_push()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        var (results, _) = Run(BulkOperations.AddTags(connection, replace: false), new[]
        {
            Items.Tags("xiaojun012", new[] { "a", "b" }, ImService.AllMemberPush),
            Items.Tags("xiaojun013", new[] { "a", "b" }, ImService.AllMemberPush),
        });
        AssertJsonEqual(AddSample, stub.Requests.Single().Body);
        Assert.Equal("/v4/all_member_push/im_add_tag", stub.Requests[0].Uri.AbsolutePath);
        Assert.Equal(new[] { "a", "b" }, results[0].Tags);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 1)]
    public void Push_add_writes_replace_beside_user_tags(bool replace, int expected)
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub, ImService.Push);
        Run(BulkOperations.AddTags(connection, replace), new[] { Items.Tags("u1", new[] { "a" }, ImService.Push) });
        AssertJsonEqual($"{{\"UserTags\":[{{\"To_Account\":\"u1\",\"Tags\":[\"a\"]}}],\"Replace\":{expected}}}", stub.Requests.Single().Body);
        Assert.Equal("/v4/timpush/add_tag", stub.Requests[0].Uri.AbsolutePath);
    }

    [Theory]
    [InlineData(ImService.AllMemberPush, "/v4/all_member_push/im_remove_tag", "/v4/all_member_push/im_remove_all_tags", "/v4/all_member_push/im_get_tag")]
    [InlineData(ImService.Push, "/v4/timpush/remove_tag", "/v4/timpush/clear_all_tags", "/v4/timpush/get_tag")]
    public void Remove_clear_and_get_use_the_documented_paths_and_shapes(ImService family, string removePath, string clearPath, string getPath)
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub, family);
        Run(BulkOperations.RemoveTags(connection), new[] { Items.Tags("u1", new[] { "a", "b" }, family) });
        var (cleared, _) = Run(BulkOperations.ClearTags(connection), new[] { Items.Get("u1", family), Items.Get("u2", family) });
        stub.EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"UserTags\":[{\"To_Account\":\"u1\",\"Tags\":[]}]}");
        Run(BulkOperations.GetTags(connection), new[] { Items.Get("u1", family) });

        AssertJsonEqual("{\"UserTags\":[{\"To_Account\":\"u1\",\"Tags\":[\"a\",\"b\"]}]}", stub.Requests[0].Body);
        AssertJsonEqual("{\"To_Account\":[\"u1\",\"u2\"]}", stub.Requests[1].Body);
        AssertJsonEqual("{\"To_Account\":[\"u1\"]}", stub.Requests[2].Body);
        Assert.Equal(new[] { removePath, clearPath, getPath }, stub.Requests.Select(r => r.Uri.AbsolutePath));
        Assert.All(cleared, c => Assert.Empty(c.Tags));
    }

    [Fact]
    public void Get_matches_answers_by_account_and_a_user_without_tags_has_an_empty_list()
    {
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"UserTags\":[" +
            "{\"To_Account\":\"c\",\"Tags\":[]},{\"To_Account\":\"a\",\"Tags\":[\"x\",\"y\"]},{\"To_Account\":\"b\",\"Tags\":[\"z\"]}]}");
        using var connection = TestConnections.Open(stub);
        var (results, failures) = Run(BulkOperations.GetTags(connection), new[] { "a", "b", "c" }.Select(u => Items.Get(u, ImService.AllMemberPush)));
        Assert.Empty(failures);
        Assert.Equal(new[] { "a", "b", "c" }, results.Select(r => r.UserId));
        Assert.Equal(new[] { "x", "y" }, results[0].Tags);
        Assert.Equal(new[] { "z" }, results[1].Tags);
        Assert.Empty(results[2].Tags);
    }

    [Fact]
    public void Get_fails_alone_a_user_left_out_named_twice_or_with_null_tags()
    {
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"UserTags\":[" +
            "{\"To_Account\":\"twice\",\"Tags\":[\"a\"]},{\"To_Account\":\"twice\",\"Tags\":[\"b\"]},{\"To_Account\":\"nulled\",\"Tags\":null},{\"To_Account\":\"ok\",\"Tags\":[\"c\"]}]}");
        using var connection = TestConnections.Open(stub);
        var (results, failures) = Run(BulkOperations.GetTags(connection), new[] { "twice", "nulled", "missing", "ok" }.Select(u => Items.Get(u, ImService.AllMemberPush)));
        Assert.Equal("ok", results.Single().UserId);
        Assert.Equal(new[] { "ImUserAmbiguousInResponse", "ImMalformedResponse", "ImUserMissingFromResponse" }, failures.Select(f => f.ErrorId));
        Assert.Contains("\"Tags\": null", failures[1].Exception.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_add_goes_in_parts_of_ten_in_order_and_the_other_users_ride_the_first_round()
    {
        var service = TestConnections.Emulator();
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);
        var (results, failures) = Run(BulkOperations.AddTags(connection, replace: false), new[]
        {
            Items.Tags("long", Numbered(25), ImService.AllMemberPush),
            Items.Tags("short", new[] { "s" }, ImService.AllMemberPush),
        });
        Assert.Empty(failures);
        Assert.Equal(3, stub.Requests.Count);
        var tagCalls = TagCalls(stub);
        Assert.Equal(new[] { 10, 10, 5 }, tagCalls.Where(c => c.User == "long").Select(c => c.Tags.Length));
        Assert.Equal(Numbered(25), tagCalls.Where(c => c.User == "long").SelectMany(c => c.Tags));
        Assert.Single(tagCalls, c => c.User == "short");
        Assert.Equal(Numbered(25), service.TagsOf("long"));
        // One outcome per input item, carrying the whole list.
        Assert.Equal(new[] { "long", "short" }, results.Select(r => r.UserId));
        Assert.Equal(25, results[0].Tags.Count);
    }

    [Fact]
    public void A_failed_part_fails_the_user_and_its_later_parts_are_not_sent()
    {
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0}").Enqueue(StubResponse.Fail(90001, "no"));
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        var (results, failures) = Run(BulkOperations.AddTags(connection, replace: false), new[] { Items.Tags("u", Numbered(30), ImService.AllMemberPush) });
        Assert.Empty(results);
        Assert.Equal("ImApiError90001", failures.Single().ErrorId);
        Assert.Contains("10 of the user's 30 tags were added before this failure (in 1 earlier call(s), parts of 10); the other 20 were not.", failures.Single().Message, System.StringComparison.Ordinal);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Theory]
    [InlineData(1, "None of the user's 30 tags were added before this failure: the list went in parts of 10, and the first failed; the 10 of the failed call may have been added (its outcome is unknown: read the user to know); the other 20 were not.")]
    [InlineData(2, "10 of the user's 30 tags were added before this failure (in 1 earlier call(s), parts of 10); the 10 of the failed call may have been added (its outcome is unknown: read the user to know); the other 10 were not.")]
    public void A_part_of_unknown_outcome_is_said_to_have_maybe_landed_not_to_have_failed(int cutCall, string said)
    {
        // The call is cut after it was sent (a timeout): it may have been applied.
        var stub = new StubHttpHandler();
        for (var call = 1; call < cutCall; call++) stub.EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0}");
        stub.Enqueue(StubResponse.TimedOut());
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        var (_, failures) = Run(BulkOperations.AddTags(connection, replace: false), new[] { Items.Tags("u", Numbered(30), ImService.AllMemberPush) });
        Assert.True(failures.Single().OutcomeUnknown);
        Assert.Contains(said, failures.Single().Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_replace_goes_whole_in_one_call()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub, ImService.Push);
        Run(BulkOperations.AddTags(connection, replace: true), new[] { Items.Tags("u", Numbered(60), ImService.Push) });
        Assert.Equal(60, JsonNode.Parse(stub.Requests.Single().Body)!["UserTags"]![0]!["Tags"]!.AsArray().Count);
    }

    [Fact]
    public void A_long_remove_goes_in_parts_too()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        Run(BulkOperations.RemoveTags(connection), new[] { Items.Tags("u", Numbered(15), ImService.AllMemberPush) });
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public void Repeats_of_a_user_in_one_call_are_sent_once_with_the_union_of_tags()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        var (results, _) = Run(BulkOperations.AddTags(connection, replace: false), new[]
        {
            Items.Tags("u", new[] { "a" }, ImService.AllMemberPush),
            Items.Tags("u", new[] { "b", "a" }, ImService.AllMemberPush),
        });
        AssertJsonEqual("{\"UserTags\":[{\"To_Account\":\"u\",\"Tags\":[\"a\",\"b\"]}]}", stub.Requests.Single().Body);
        Assert.Equal(2, results.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Repeats_of_a_user_that_add_up_to_more_than_a_hundred_tags_fail_whole_and_send_nothing_for_that_user(bool replace)
    {
        // Sixty-one rows of two tags each for one user: each row is fine, the merged list of 122 is not.
        var service = TestConnections.Emulator();
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub, ImService.Push);
        var rows = Enumerable.Range(0, 61).Select(i => Items.Tags("many", new[] { "a" + i, "b" + i }, ImService.Push))
            .Append(Items.Tags("other", new[] { "x" }, ImService.Push));
        var (results, failures) = Run(BulkOperations.AddTags(connection, replace), rows);
        Assert.Equal(new[] { "other" }, results.Select(r => r.UserId));
        Assert.Equal(61, failures.Count);
        Assert.All(failures, f => Assert.Equal("TooManyTags", f.ErrorId));
        Assert.All(failures, f => Assert.Equal("many", f.TargetObject));
        Assert.Contains("122 tags once the user's repeats in the input are merged", failures[0].Message, System.StringComparison.Ordinal);
        Assert.DoesNotContain(TagCalls(stub), c => c.User == "many");
        Assert.Null(service.TagsOf("many"));
    }

    [Fact]
    public void Push_error_list_fails_only_the_users_it_names()
    {
        var service = TestConnections.Emulator(o => o.UnknownUserPrefix = "ghost");
        using var connection = TestConnections.Open(service.CreateHandler(), ImService.Push);
        var (results, failures) = Run(BulkOperations.AddTags(connection, replace: false), new[]
        {
            Items.Tags("ghost", new[] { "a" }, ImService.Push),
            Items.Tags("real", new[] { "a" }, ImService.Push),
        });
        Assert.Equal("real", results.Single().UserId);
        Assert.Equal("ImApiError70107", failures.Single().ErrorId);
        Assert.Equal("ghost", failures.Single().TargetObject);
    }

    /// <summary>Each user's entry of every tag call, in the order the calls were sent: user and tags.</summary>
    private static List<(string User, string[] Tags)> TagCalls(StubHttpHandler stub) =>
        stub.Requests.SelectMany(r => JsonNode.Parse(r.Body)!["UserTags"]!.AsArray()
            .Select(e => ((string)e!["To_Account"]!, e["Tags"]!.AsArray().Select(t => (string)t!).ToArray()))).ToList();
}
