using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Input;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>
/// im_remove_tag / remove_tag: removes the named tags of each user. Tencent's pages give no per-call limit of tags
/// for a remove; the module keeps the add's 10 per user per call, which costs nothing for short lists and keeps a
/// Get piped into Remove (up to 100 tags a user) within what the service is known to take.
/// </summary>
internal sealed class RemoveTagsOperation : TagListOperation
{
    /// <inheritdoc />
    public override ImOperation Operation => ImOperation.RemoveTags;

    /// <inheritdoc />
    protected override int PartSize => InputRules.MaxTagsPerAdd;

    /// <inheritdoc />
    protected override string Done => "removed";

    public override ItemOutcome<UserTags>? WithoutCall(TagItem item, CallContext call) => NothingToSend(item);
}
