using System.Collections;
using System.Collections.Generic;
using System.Linq;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Operations;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Input;

/// <summary>How a record becomes a tag item: each rule with its own error id, the Tags and Tag properties.</summary>
public class TagInputTests
{
    [Theory]
    [InlineData("", "TagEmpty")]
    [InlineData("   ", "TagEmpty")]
    [InlineData(null, "TagEmpty")]
    [InlineData("a\tb", "TagControlCharacter")]
    [InlineData("123456789012345678901234567890123456789012345678901", "TagTooLong")]
    [InlineData("数据数据数据数据数据数据数据数据数", "TagTooLong")] // 17 characters, 51 bytes
    public void A_bad_tag_is_its_own_error(string? tag, string errorId)
    {
        var item = Items.Tags("alice", new[] { "ok", tag }, ImService.AllMemberPush);
        Assert.Equal(errorId, item.Failure!.ErrorId);
        Assert.Equal("alice", item.Failure.TargetObject);
    }

    [Fact]
    public void A_lone_surrogate_is_not_a_tag()
    {
        // Not as InlineData: a lone surrogate does not survive the test runner's serialization.
        Assert.Equal("TagInvalidUtf16", Items.Tags("alice", new[] { "\ud800x" }, ImService.AllMemberPush).Failure!.ErrorId);
    }

    [Fact]
    public void Fifty_bytes_is_the_limit_not_over_it()
    {
        Assert.Null(Items.Tags("alice", new[] { new string('x', 50) }, ImService.AllMemberPush).Failure);
    }

    [Fact]
    public void No_tags_is_an_error_and_so_is_more_than_a_user_may_hold()
    {
        Assert.Equal("TagListEmpty", Items.Tags("alice", System.Array.Empty<string>(), ImService.AllMemberPush).Failure!.ErrorId);
        Assert.Equal("TooManyTags", Items.Tags("alice", Enumerable.Range(0, 101).Select(i => "t" + i).ToArray(), ImService.AllMemberPush).Failure!.ErrorId);
        Assert.Null(Items.Tags("alice", Enumerable.Range(0, 100).Select(i => "t" + i).ToArray(), ImService.AllMemberPush).Failure);
    }

    [Fact]
    public void Duplicates_count_once_toward_the_limit()
    {
        var item = Items.Tags("alice", Enumerable.Repeat("same", 150).ToArray(), ImService.AllMemberPush);
        Assert.Equal(new[] { "same" }, item.Result!.Tags);
    }

    [Fact]
    public void The_user_id_is_checked_first()
    {
        Assert.Equal("UserIdEmpty", Items.Tags("", new[] { "a" }, ImService.AllMemberPush).Failure!.ErrorId);
        Assert.Equal("UserIdTooLong", Items.Tags(new string('u', 33), new[] { "a" }, ImService.AllMemberPush).Failure!.ErrorId);
    }

    [Fact]
    public void Objects_give_a_tags_list_or_one_tag_per_row_never_split()
    {
        var fromGet = Items.TagsFrom(new Hashtable { ["UserId"] = "alice", ["Tags"] = new[] { "a", "b" } }, null, null, ImService.AllMemberPush);
        Assert.Equal(new[] { "a", "b" }, fromGet.Result!.Tags);
        var csvRow = new List<KeyValuePair<string, object?>> { new("UserId", "bob"), new("Tag", "a;b, c") };
        Assert.Equal(new[] { "a;b, c" }, Items.TagsFrom(new object(), csvRow, null, ImService.AllMemberPush).Result!.Tags);
        var noTags = new List<KeyValuePair<string, object?>> { new("UserId", "carol") };
        Assert.Equal("TagListEmpty", Items.TagsFrom(new object(), noTags, null, ImService.AllMemberPush).Failure!.ErrorId);
    }

    [Fact]
    public void An_objects_empty_tags_list_is_a_valid_item_of_no_tags_but_an_empty_tag_given_is_not()
    {
        // What Get-ImUserTag writes for a user without tags.
        var untagged = Items.TagsFrom(new Hashtable { ["UserId"] = "bob", ["Tags"] = System.Array.Empty<string>() }, null, null, ImService.AllMemberPush);
        Assert.Null(untagged.Failure);
        Assert.Empty(untagged.Result!.Tags);
        // -Tag given empty stays an error, whatever the object holds.
        Assert.Equal("TagListEmpty", Items.TagsFrom(new Hashtable { ["UserId"] = "bob", ["Tags"] = new[] { "a" } }, null, System.Array.Empty<string>(), ImService.AllMemberPush).Failure!.ErrorId);
    }

    [Fact]
    public async System.Threading.Tasks.Task An_item_of_no_tags_is_done_without_a_call_by_add_and_remove_but_sent_by_a_replace()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub, service: ImService.Push);
        var none = Items.TagsFrom(new Hashtable { ["UserId"] = "bob", ["Tags"] = System.Array.Empty<string>() }, null, null, ImService.Push).Result!;
        foreach (var operation in new TencentImAttr.Core.Bulk.IBatchOperation<TencentImAttr.Core.Operations.TagItem, TencentImAttr.Models.UserTags>[]
            { BulkOperations.AddTags(connection, false, null), BulkOperations.RemoveTags(connection, null) })
        {
            var outcome = (await operation.ExecuteAsync(new[] { none }, new TencentImAttr.Core.Api.QueuedCallLog(), default))[0];
            Assert.Null(outcome.Failure);
            Assert.Equal("bob", outcome.Result!.UserId);
        }
        Assert.Empty(stub.Requests);
        var replaced = (await BulkOperations.AddTags(connection, true, null).ExecuteAsync(new[] { none }, new TencentImAttr.Core.Api.QueuedCallLog(), default))[0];
        Assert.Null(replaced.Failure);
        Assert.Single(stub.Requests);
        Assert.Contains("\"Tags\":[]", stub.Requests[0].Body, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Given_tags_win_over_the_objects_own()
    {
        var item = Items.TagsFrom(new Hashtable { ["UserId"] = "alice", ["Tags"] = new[] { "a" } }, null, new[] { "z" }, ImService.AllMemberPush);
        Assert.Equal(new[] { "z" }, item.Result!.Tags);
    }
}
