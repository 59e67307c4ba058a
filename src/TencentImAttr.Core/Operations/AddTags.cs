using System.Collections.Generic;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Input;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>
/// im_add_tag / add_tag: adds tags to each user, at most 10 per user in one call (a longer list goes in parts, in
/// order). On the Push family, <c>Replace: 1</c> overwrites all of a user's tags with the list, sent whole (at most
/// 100); all_member_push has no Replace, and the field is left out there.
/// </summary>
internal sealed class AddTagsOperation : TagListOperation
{
    private readonly ImService _service;
    private readonly bool _replace;

    /// <summary>An add for <paramref name="service"/>; <paramref name="replace"/> only on the Push family (the cmdlet refuses it elsewhere).</summary>
    public AddTagsOperation(ImService service, bool replace)
    {
        _service = service;
        _replace = replace && service == ImService.Push;
    }

    /// <inheritdoc />
    public override ImOperation Operation => ImOperation.AddTags;

    /// <inheritdoc />
    protected override string Done => "added";

    /// <summary>A replace must be one call: two would leave the user with only the last part.</summary>
    protected override int PartSize => _replace ? 0 : InputRules.MaxTagsPerAdd;

    /// <summary>Always written on the Push family (0 adds, 1 replaces); never on all_member_push.</summary>
    protected override int? Replace => _service == ImService.Push ? (_replace ? 1 : 0) : null;

    /// <summary>
    /// Each item was checked against the 100 tags a user holds when it was read, but the repeats of one user merge
    /// into one list afterwards (CSV rows of one tag each): a merged list over the limit fails here, whole, before
    /// any of it is sent. An item of no tags is done without a call, unless it replaces (an empty list then clears
    /// the user's tags).
    /// </summary>
    public override ItemOutcome<UserTags>? WithoutCall(TagItem item, CallContext call) =>
        OverHeldLimit(item) is { } error ? ItemOutcome<UserTags>.Rejected(error) : _replace ? null : NothingToSend(item);

    /// <summary>A list over the limit is not parted: it reaches <see cref="WithoutCall"/> whole, and fails there.</summary>
    public override IReadOnlyList<TagItem>? PartsOf(TagItem item) => OverHeldLimit(item) is null ? base.PartsOf(item) : null;

    /// <summary>The error for a (merged) list of more tags than a user holds, or null: the one home of that rule for every add, the drift report's too.</summary>
    public static ImInputException? OverHeldLimit(TagItem item) =>
        item.Tags.Count > InputRules.MaxTagsPerUser ? TagItem.TooMany(item.UserId, item.Tags.Count, merged: true) : null;
}
