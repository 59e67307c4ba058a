using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization.Metadata;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Text;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>A user and the tags to add or remove, checked.</summary>
internal sealed class TagItem
{
    /// <summary>
    /// Property names that carry tags: Tags (a list, as Get-ImUserTag emits it) or Tag (a CSV column, one tag per
    /// row; a string is always one tag, never split, so a tag needs no escaping).
    /// </summary>
    public static readonly IReadOnlyList<string> TagProperties = new[] { "Tags", "Tag" };

    internal TagItem(string userId, List<string> tags)
    {
        UserId = userId;
        Tags = tags;
    }

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>The tags, without duplicates, in the order first given.</summary>
    public List<string> Tags { get; }

    /// <summary>
    /// Reads an item: the tags of <paramref name="tags"/> (-Tag) when given, else the object's Tags (Tag) property.
    /// Each tag is checked; none is an error (TagListEmpty: -Tag given empty, or no Tags or Tag property), except an
    /// object's empty Tags list, which is a valid item of no tags; more than a user may hold (100) is an error.
    /// </summary>
    public static ItemOutcome<TagItem> Read(PipelineRecord record, IEnumerable<string?>? tags, ImService service)
    {
        var bad = record.CheckUser(service);
        if (bad is not null) return ItemOutcome<TagItem>.Rejected(bad);
        var user = record.UserId!;
        var found = tags is null ? record.FindTexts(TagProperties) : null;
        bad = InputRules.CheckDistinct(tags ?? found, InputRules.CheckTag, user, out var list);
        if (bad is not null) return ItemOutcome<TagItem>.Rejected(bad);
        if (found is { Count: 0 })
        {
            // An object's empty Tags list (what Get-ImUserTag writes for a user without tags): a valid item with
            // nothing to add or remove, done without a call, as an empty attribute row is; under -Replace it clears.
            return ItemOutcome<TagItem>.Success(new TagItem(user, list));
        }
        if (list.Count == 0)
        {
            return ItemOutcome<TagItem>.Rejected(new ImInputException(ErrorIds.TagListEmpty, $"User '{MessageText.Quote(user)}': no tags (give -Tag, or a Tags or Tag property).", user));
        }
        return list.Count > InputRules.MaxTagsPerUser
            ? ItemOutcome<TagItem>.Rejected(TooMany(user, list.Count, merged: false))
            : ItemOutcome<TagItem>.Success(new TagItem(user, list));
    }

    /// <summary>The error for more tags than a user holds, in one item or in a user's repeats merged (<paramref name="merged"/>).</summary>
    public static ImInputException TooMany(string user, int count, bool merged) =>
        new(ErrorIds.TooManyTags, $"User '{MessageText.Quote(user)}': {count} tags{(merged ? " once the user's repeats in the input are merged" : "")}; a user holds at most {InputRules.MaxTagsPerUser}, so nothing is sent for this user.", user);
}

/// <summary>
/// What add and remove share: the wire shape (UserTags, one tag list per user), repeats merged into one list, and a
/// list longer than a call may carry for one user sent in parts of <see cref="PartSize"/>, in order.
/// </summary>
internal abstract class TagListOperation : BulkOperation<TagItem, UserTags, UserTagsRequest, ApiEnvelope>
{
    /// <summary>Tags one call carries for one user; 0 sends every list whole.</summary>
    protected abstract int PartSize { get; }

    /// <summary>Push family add only: the Replace field; null leaves it out.</summary>
    protected virtual int? Replace => null;

    /// <inheritdoc />
    public override JsonTypeInfo<UserTagsRequest> RequestType => ImJsonContext.Default.UserTagsRequest;

    /// <inheritdoc />
    public override JsonTypeInfo<ApiEnvelope> ResponseType => ImJsonContext.Default.ApiEnvelope;

    /// <inheritdoc />
    public override string UserIdOf(TagItem item) => item.UserId;

    /// <summary>The union of the tags, in the order first given (CSV rows of one tag each add up).</summary>
    public override TagItem Merge(TagItem earlier, TagItem later) =>
        new(earlier.UserId, earlier.Tags.Concat(later.Tags).Distinct(StringComparer.Ordinal).ToList());

    /// <inheritdoc />
    public override UserTagsRequest Request(IReadOnlyList<TagItem> items) =>
        new() { UserTags = items.Select(i => new UserTagList { To_Account = i.UserId, Tags = i.Tags }).ToList(), Replace = Replace };

    /// <inheritdoc />
    public override IReadOnlyList<TagItem>? PartsOf(TagItem item)
    {
        if (PartSize == 0 || item.Tags.Count <= PartSize) return null;
        var parts = new List<TagItem>();
        for (var start = 0; start < item.Tags.Count; start += PartSize)
        {
            parts.Add(new TagItem(item.UserId, item.Tags.Skip(start).Take(PartSize).ToList()));
        }
        return parts;
    }

    /// <summary>What the service does with a user's tags: "added", "removed" (for a parted failure's message).</summary>
    protected abstract string Done { get; }

    /// <summary>
    /// "3 of 25 tags were added before this failure, in 1 earlier call; the other 22 were not." When the failed part's
    /// call may have landed (its outcome is unknown), its tags are said to be maybe done, not "not".
    /// </summary>
    public override string? PartsLanded(TagItem whole, IReadOnlyList<TagItem> parts, int failedPart, bool failedMayHaveLanded)
    {
        var landed = parts.Take(failedPart).Sum(p => p.Tags.Count);
        var maybe = failedMayHaveLanded ? parts[failedPart].Tags.Count : 0;
        var rest = whole.Tags.Count - landed - maybe;
        var before = landed == 0
            ? $"None of the user's {whole.Tags.Count} tags were {Done} before this failure: the list went in parts of {PartSize}, and the first failed"
            : $"{landed} of the user's {whole.Tags.Count} tags were {Done} before this failure (in {failedPart} earlier call(s), parts of {PartSize})";
        return maybe == 0
            ? (landed == 0 ? $"None of the user's {whole.Tags.Count} tags were {Done}: the list went in parts of {PartSize}, and the first failed." : $"{before}; the other {rest} were not.")
            : $"{before}; the {maybe} of the failed call may have been {Done} (its outcome is unknown: read the user to know); the other {rest} were not.";
    }

    /// <summary>An item of no tags (an object's empty Tags list) is done without a call: nothing to add or remove.</summary>
    public static ItemOutcome<UserTags>? NothingToSend(TagItem item) =>
        item.Tags.Count == 0 ? ItemOutcome<UserTags>.Success(new UserTags(item.UserId, item.Tags)) : null;

    /// <summary>The whole list, not the last part's.</summary>
    public override UserTags Rejoined(TagItem whole, UserTags lastPart) => new(whole.UserId, whole.Tags);

    /// <inheritdoc />
    public override ItemOutcome<UserTags>[] Outcomes(IReadOnlyList<TagItem> items, ApiEnvelope response, CallContext call) =>
        items.Select(i => ItemOutcome<UserTags>.Success(new UserTags(i.UserId, i.Tags))).ToArray();
}
