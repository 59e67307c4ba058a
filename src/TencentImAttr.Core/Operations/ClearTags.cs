using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization.Metadata;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>im_remove_all_tags / clear_all_tags: removes every tag of each user.</summary>
internal sealed class ClearTagsOperation : UserListOperation<UserTags, ApiEnvelope>
{
    /// <inheritdoc />
    public override ImOperation Operation => ImOperation.ClearTags;

    /// <inheritdoc />
    public override JsonTypeInfo<ApiEnvelope> ResponseType => ImJsonContext.Default.ApiEnvelope;

    /// <summary>Each user, with no tags left.</summary>
    public override ItemOutcome<UserTags>[] Outcomes(IReadOnlyList<GetItem> items, ApiEnvelope response, CallContext call) =>
        items.Select(i => ItemOutcome<UserTags>.Success(new UserTags(i.UserId, Array.Empty<string>()))).ToArray();
}
