using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Operations;

public class OperationTests
{
    // The sample requests of Tencent's pages (shared/seeds), verbatim.
    private const string SetSample = "{\"UserAttrs\":[{\"To_Account\": \"xiaojun012\",\"Attrs\": {\"sex\": \"attr1\",\"city\": \"attr2\"}},{\"To_Account\": \"xiaojun013\",\"Attrs\": {\"city\": \"attr3\",\"sex\": \"attr4\"}}]}";
    private const string RemoveSample = "{\"UserAttrs\": [{\"To_Account\": \"xiaojun013\",\"Attrs\": [\"sex\",\"city\"]},{\"To_Account\": \"xiaojun012\",\"Attrs\": [\"sex\",\"city\"]}]}";
    private const string GetSample = "{\"To_Account\": [\"Zhang Xiaohong\",\"Chen Xiaoming\",\"abc\"]}";
    private const string GetSampleResponse = "{\"ActionStatus\": \"OK\",\"ErrorInfo\": \"\",\"ErrorCode\": 0,\"UserAttrs\": [{\"To_Account\": \"Zhang Xiaohong\",\"Attrs\": {\"sex\" : \"Female\",\"city\": \"New York\"}},{\"To_Account\": \"abc\",\"Attrs\": {}},{\"To_Account\": \"Chen Xiaoming\",\"Attrs\": {\"sex\": \"M\",\"city\": \"Shenzhen\"}}]}";

    private static (List<TResult> Results, List<ItemFailure> Failures, List<object> Outcomes) Run<TItem, TResult>(IBatchOperation<TItem, TResult> op, IEnumerable<ItemOutcome<TItem>> items, int throttle = 4)
        where TItem : class where TResult : class
    {
        var sink = new CollectingSink<TResult>();
        using (var engine = new BatchEngine<TItem, TResult>(op, new EngineOptions { ThrottleLimit = throttle }, sink))
        {
            foreach (var item in items)
            {
                if (item.Failure is not null) engine.AddFailure(item.Failure);
                else engine.Add(item.Result!);
            }
            engine.Complete();
        }
        return (sink.Results, sink.Failures, sink.Outcomes);
    }

    private static void AssertJsonEqual(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}\nactual   {actual}");

    [Fact]
    public void Set_request_is_the_documented_sample()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        Run(BulkOperations.Set(connection), new[]
        {
            Items.Set("xiaojun012", new System.Collections.Specialized.OrderedDictionary { ["sex"] = "attr1", ["city"] = "attr2" }, ImService.AllMemberPush),
            Items.Set("xiaojun013", new System.Collections.Specialized.OrderedDictionary { ["city"] = "attr3", ["sex"] = "attr4" }, ImService.AllMemberPush),
        });
        AssertJsonEqual(SetSample, stub.Requests.Single().Body);
    }

    [Fact]
    public void Remove_request_sends_an_array_of_names_as_documented()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        var (results, _, _) = Run(BulkOperations.Remove(connection), new[]
        {
            Items.Remove("xiaojun013", new[] { "sex", "city" }, ImService.AllMemberPush),
            Items.Remove("xiaojun012", new[] { "sex", "city" }, ImService.AllMemberPush),
        });
        AssertJsonEqual(RemoveSample, stub.Requests.Single().Body);
        Assert.Equal("/v4/all_member_push/im_remove_attr", stub.Requests[0].Uri.AbsolutePath);
        Assert.Equal(new[] { "sex", "city" }, results[0].Names);
    }

    [Fact]
    public void Get_matches_answers_by_account_not_by_order()
    {
        var stub = new StubHttpHandler().EnqueueJson(GetSampleResponse);
        using var connection = TestConnections.Open(stub);
        var (results, failures, _) = Run(BulkOperations.Get(connection),
            new[] { "Zhang Xiaohong", "Chen Xiaoming", "abc" }.Select(u => Items.Get(u, ImService.AllMemberPush)));
        AssertJsonEqual(GetSample, stub.Requests.Single().Body);
        Assert.Empty(failures);
        Assert.Equal(new[] { "Zhang Xiaohong", "Chen Xiaoming", "abc" }, results.Select(r => r.UserId));
        Assert.Equal("Shenzhen", results[1].Attributes["city"]);
        Assert.Equal("New York", results[0].Attributes["city"]);
        Assert.Empty(results[2].Attributes);
    }

    [Fact]
    public void Samples_in_this_file_are_those_of_the_seed_pages()
    {
        // The seed pages' samples are quoted in the repository (tests/contract, with their sources), so this always runs.
        string Quote(string file) => File.ReadAllText(Path.Combine(ModuleFiles.RepositoryRoot, "tests", "contract", file));
        static string Squash(string s) => new string(s.Where(c => !char.IsWhiteSpace(c)).ToArray());
        Assert.Equal(Squash(Quote("set_attr.request.txt")), Squash(SetSample));
        Assert.Equal(Squash(Quote("remove_attr.request.txt")), Squash(RemoveSample));
        Assert.Equal(Squash(Quote("get_attr.request.txt")), Squash(GetSample));
        // This file's get answer is the other English page's (seed 002: "sex": "M"); the contract's is seed 004's ("Male").
        Assert.Equal(Squash(Quote("get_attr.response.txt")), Squash(GetSampleResponse).Replace("\"M\"", "\"Male\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Users_missing_from_a_get_answer_are_reported_not_dropped()
    {
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"UserAttrs\":[{\"To_Account\":\"b\",\"Attrs\":{\"x\":\"1\"}},{\"To_Account\":\"zzz\",\"Attrs\":{}}]}");
        using var connection = TestConnections.Open(stub);
        var (results, failures, outcomes) = Run(BulkOperations.Get(connection), new[] { "a", "b", "c" }.Select(u => Items.Get(u, ImService.AllMemberPush)));
        Assert.Equal(new[] { "b" }, results.Select(r => r.UserId));
        Assert.Equal(new object[] { "a", "c" }, failures.Select(f => f.TargetObject));
        Assert.All(failures, f => Assert.Equal("ImUserMissingFromResponse", f.ErrorId));
        Assert.Equal(3, outcomes.Count);
    }

    [Fact]
    public void A_failed_call_reports_every_user_it_carried_and_other_batches_go_on()
    {
        var calls = 0;
        var stub = new StubHttpHandler { Responder = _ => ++calls == 1 ? StubResponse.Fail(90033, "invalid attribute") : StubResponse.Ok() };
        using var connection = TestConnections.Open(stub);
        var (results, failures, _) = Run(BulkOperations.Set(connection),
            Enumerable.Range(0, 150).Select(i => Items.Set("u" + i, new Hashtable { ["city"] = "x" }, ImService.AllMemberPush)), throttle: 1);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (object)("u" + i)), failures.Select(f => f.TargetObject));
        Assert.All(failures, f => Assert.Equal("ImApiError90033", f.ErrorId));
        Assert.All(failures, f => Assert.Equal(ImErrorCategory.InvalidArgument, f.Category));
        Assert.Equal(50, results.Count);
    }

    [Fact]
    public void An_unregistered_name_fails_only_the_users_that_carry_it()
    {
        var service = TestConnections.Emulator();
        service.Register("city", "tier");
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);
        var (results, failures, outcomes) = Run(BulkOperations.Set(connection), new[]
        {
            Items.Set("alice", new Hashtable { ["city"] = "A" }, ImService.AllMemberPush),
            Items.Set("bob", new Hashtable { ["colour"] = "red", ["city"] = "B" }, ImService.AllMemberPush),
            Items.Set("carol", new Hashtable { ["tier"] = "gold" }, ImService.AllMemberPush),
        });
        Assert.Equal(new[] { "alice", "carol" }, results.Select(r => r.UserId));
        var failure = Assert.Single(failures);
        Assert.Equal("bob", failure.TargetObject);
        Assert.Equal("ImApiError90033", failure.ErrorId);
        Assert.Contains("'colour'", failure.Message);
        Assert.DoesNotContain("'city'", failure.Message);
        Assert.Equal("A", service.AttributesOf("alice")!["city"]);
        Assert.Null(service.AttributesOf("bob"));
        Assert.Equal(new[] { "im_set_attr", "im_get_attr_name", "im_set_attr" }, stub.Requests.Select(r => r.Api));
        Assert.Equal(3, outcomes.Count);
    }

    [Fact]
    public void A_90033_that_the_names_do_not_explain_fails_every_user_of_the_call()
    {
        var stub = new StubHttpHandler { Responder = r => r.Api == "im_get_attr_name" ? StubResponse.Ok(",\"AttrNames\":{\"0\":\"city\"}") : StubResponse.Fail(90033, "invalid attribute") };
        using var connection = TestConnections.Open(stub);
        var (results, failures, _) = Run(BulkOperations.Remove(connection), new[] { "a", "b" }.Select(u => Items.Remove(u, new[] { "city" }, ImService.AllMemberPush)));
        Assert.Empty(results);
        Assert.Equal(new object[] { "a", "b" }, failures.Select(f => f.TargetObject));
        Assert.Equal(new[] { "im_remove_attr", "im_get_attr_name" }, stub.Requests.Select(r => r.Api));
    }

    [Theory]
    [InlineData(ImService.AllMemberPush, "/v4/all_member_push/im_set_attr")]
    [InlineData(ImService.Push, "/v4/timpush/set_attr")]
    public void Partial_success_fails_exactly_the_users_in_the_error_list(ImService service, string path)
    {
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0,\"ErrorList\":[{\"To_Account\":\"mary\",\"ErrorCode\":70107,\"ErrorInfo\":\"\"},{\"To_Account\":\"dev\",\"ErrorCode\":90035,\"ErrorInfo\":\"type\"}]}");
        using var connection = TestConnections.Open(stub, service);
        var (results, failures, outcomes) = Run(BulkOperations.Set(connection),
            new[] { "john", "mary", "dev", "ann" }.Select(u => Items.Set(u, new Hashtable { ["city"] = "x" }, service)));
        Assert.Equal(path, stub.Requests.Single().Uri.AbsolutePath);
        Assert.Equal(new[] { "john", "ann" }, results.Select(r => r.UserId));
        Assert.Equal(new object[] { "mary", "dev" }, failures.Select(f => f.TargetObject));
        Assert.Equal(new[] { "ImApiError70107", "ImApiError90035" }, failures.Select(f => f.ErrorId));
        Assert.Equal(ImErrorCategory.ObjectNotFound, failures[0].Category);
        Assert.Equal(4, outcomes.Count);
    }

    [Fact]
    public void Users_with_a_transient_per_user_error_are_sent_again_alone()
    {
        var stub = new StubHttpHandler()
            .EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorList\":[{\"To_Account\":\"b\",\"ErrorCode\":91000}]}")
            .Enqueue(StubResponse.Ok());
        using var connection = TestConnections.Open(stub, ImService.Push);
        var (results, failures, _) = Run(BulkOperations.Remove(connection),
            new[] { "a", "b", "c" }.Select(u => Items.Remove(u, new[] { "city" }, ImService.Push)));
        Assert.Empty(failures);
        Assert.Equal(new[] { "a", "b", "c" }, results.Select(r => r.UserId));
        Assert.Equal(2, stub.Requests.Count);
        AssertJsonEqual("{\"UserAttrs\":[{\"To_Account\":\"b\",\"Attrs\":[\"city\"]}]}", stub.Requests[1].Body);
    }

    [Fact]
    public void Push_family_get_uses_its_own_path_and_takes_registration_ids()
    {
        const string device = "379C2F0D-290D-47AE-94D1-919058C39C77";
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"UserAttrs\":[{\"To_Account\":\"" + device + "\",\"Attrs\":{\"tier\":\"gold\"}}]}");
        using var connection = TestConnections.Open(stub, ImService.Push);
        var (results, failures, _) = Run(BulkOperations.Get(connection), new[] { Items.Get(device, ImService.Push) });
        Assert.Empty(failures);
        Assert.Equal("gold", results.Single().Attributes["tier"]);
        Assert.Equal("/v4/timpush/get_attr", stub.Requests.Single().Uri.AbsolutePath);
    }

    [Fact]
    public void Verbose_lines_name_api_users_attempt_and_time()
    {
        var stub = new StubHttpHandler().Enqueue(StubResponse.Fail(91000), StubResponse.Ok());
        using var connection = TestConnections.Open(stub);
        var sink = new CollectingSink<UserAttributes>();
        using (var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions(), sink))
        {
            engine.Add(Items.Set("a", new Hashtable { ["c"] = "1" }, ImService.AllMemberPush).Result!);
            engine.Complete();
        }
        Assert.Equal(2, sink.Verbose.Count);
        Assert.Matches(@"^im_set_attr: 1 user\(s\), attempt 1, \d+ ms, ImApiError91000: retry 1 of 5 in \d\.\d s$", sink.Verbose[0]);
        Assert.Matches(@"^im_set_attr: 1 user\(s\), attempt 2, \d+ ms, OK$", sink.Verbose[1]);
    }
}
