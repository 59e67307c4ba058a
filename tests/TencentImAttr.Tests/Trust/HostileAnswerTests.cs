using System.Collections;
using System.Linq;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Engine;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Trust;

/// <summary>Answers that are odd or hostile: each misreading fails the user it concerns, clearly, and only that user.</summary>
public class HostileAnswerTests
{
    private static CollectingSink<UserAttributes> Get(StubHttpHandler stub, params string[] users)
    {
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<GetItem, UserAttributes>(new GetAttributesOperation(connection), new EngineOptions(), sink);
        foreach (var user in users) engine.Add(InputReader.ForGet(user, ImService.AllMemberPush).Item!);
        engine.Complete();
        return sink;
    }

    [Fact]
    public void A_user_named_twice_in_a_get_answer_fails_with_a_clear_error_and_the_others_are_read()
    {
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"UserAttrs\":["
            + "{\"To_Account\":\"alice\",\"Attrs\":{\"tier\":\"gold\"}},{\"To_Account\":\"bob\",\"Attrs\":{}},{\"To_Account\":\"alice\",\"Attrs\":{\"tier\":\"free\"}}]}");
        var sink = Get(stub, "alice", "bob");
        Assert.Equal("bob", Assert.Single(sink.Results).UserId);
        var failure = Assert.Single(sink.Failures);
        Assert.Equal("alice", failure.TargetObject);
        Assert.Equal("ImUserAmbiguousInResponse", failure.ErrorId);
        Assert.Contains("more than once", failure.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Attrs_null_is_a_malformed_entry_for_that_user_not_no_attributes()
    {
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"UserAttrs\":[{\"To_Account\":\"alice\",\"Attrs\":null},{\"To_Account\":\"bob\",\"Attrs\":{}}]}");
        var sink = Get(stub, "alice", "bob");
        var bob = Assert.Single(sink.Results);
        Assert.Equal("bob", bob.UserId);
        Assert.Empty(bob.Attributes);
        var failure = Assert.Single(sink.Failures);
        Assert.Equal("alice", failure.TargetObject);
        Assert.Equal("ImMalformedResponse", failure.ErrorId);
        Assert.Contains("\"Attrs\": null", failure.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_list_entry_without_error_info_is_fine()
    {
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorList\":[{\"To_Account\":\"mary\",\"ErrorCode\":70107}],\"UserAttrs\":[{\"To_Account\":\"bob\",\"Attrs\":{}}]}");
        var sink = Get(stub, "mary", "bob");
        Assert.Equal("bob", Assert.Single(sink.Results).UserId);
        var failure = Assert.Single(sink.Failures);
        Assert.Equal("ImApiError70107", failure.ErrorId);
        Assert.Equal("", ((ImApiException)failure.Exception).ErrorInfo);
        Assert.EndsWith("(the account does not exist).", failure.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_from_the_server_are_escaped_in_messages_and_kept_exact_in_objects()
    {
        const string evil = "red\u001b[31m\u001b]0;pwned\u0007\r\nFAKE: done";
        var json = System.Text.Json.JsonSerializer.Serialize(evil);
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,"
            + "\"ErrorList\":[{\"To_Account\":\"mary\",\"ErrorCode\":70107,\"ErrorInfo\":" + json + "}],"
            + "\"UserAttrs\":[{\"To_Account\":\"bob\",\"Attrs\":{" + json + ":" + json + "}}]}");
        var sink = Get(stub, "mary", "bob");
        Assert.Equal(evil, Assert.Single(sink.Results).Attributes[evil]);
        var message = Assert.Single(sink.Failures).Message;
        Assert.DoesNotContain('\u001b', message);
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain('\u0007', message);
        Assert.Contains("red\\u001B[31m\\u001B]0;pwned\\u0007\\r\\nFAKE: done", message, System.StringComparison.Ordinal);
    }

    [Fact]
    public async System.Threading.Tasks.Task Control_characters_in_a_call_error_info_are_escaped_in_its_message()
    {
        var stub = new StubHttpHandler().Enqueue(StubResponse.Json("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":90009,\"ErrorInfo\":\"no\\u001b[2J\\u009b1m\"}"));
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        var e = await Assert.ThrowsAsync<ImApiException>(() => AppAttributeNames.GetAsync(connection, null, default));
        Assert.Equal("no\u001b[2J\u009b1m", e.ErrorInfo);
        Assert.Contains("no\\u001B[2J\\u009B1m", e.Message, System.StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.DoesNotContain('\u009b', e.Message);
    }
}
