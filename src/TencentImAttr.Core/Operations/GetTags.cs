using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization.Metadata;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>im_get_tag / get_tag: reads each user's tags, matching the answer to the request by To_Account, never by order.</summary>
internal sealed class GetTagsOperation : UserListOperation<UserTags, GetTagsResponse>
{
    /// <inheritdoc />
    public override ImOperation Operation => ImOperation.GetTags;

    /// <inheritdoc />
    public override JsonTypeInfo<GetTagsResponse> ResponseType => ImJsonContext.Default.GetTagsResponse;

    /// <summary>Each user's tags from the answer's list, indexed once (a user without tags has <c>[]</c>: an empty list, not an error).</summary>
    public override ItemOutcome<UserTags>[] Outcomes(IReadOnlyList<GetItem> items, GetTagsResponse response, CallContext call)
    {
        var index = new GetAnswerIndex<List<string>>(
            (response.UserTags ?? new List<UserTagList>()).Where(u => u is not null).Select(u => (u.To_Account, u.Tags)), "tags", "Tags", "[]");
        var outcomes = new ItemOutcome<UserTags>[items.Count];
        for (var k = 0; k < items.Count; k++)
        {
            var user = items[k].UserId;
            outcomes[k] = index.OutcomeFor(call.ApiName, user, user, static (tags, u) => new UserTags(u, tags.ToList()));
        }
        return outcomes;
    }
}
