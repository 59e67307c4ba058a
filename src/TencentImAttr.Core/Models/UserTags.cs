using System.Collections.Generic;

namespace TencentImAttr.Models;

/// <summary>
/// A user's tags: what Get-ImUserTag emits, and Add-, Remove- and Clear-ImUserTag -PassThru (the tags added, the tags
/// removed, none left). Pipe it into Add-ImUserTag or Remove-ImUserTag, on this connection or another.
/// </summary>
public sealed class UserTags
{
    /// <summary>Creates the object.</summary>
    public UserTags(string userId, IReadOnlyList<string> tags)
    {
        UserId = userId;
        Tags = tags;
    }

    /// <summary>The user (Tencent's To_Account).</summary>
    public string UserId { get; }

    /// <summary>The tags, in the order the service or the input gave them; empty when the user has none. Tags are case-sensitive.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <inheritdoc />
    public override string ToString() => UserId;
}
