using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization.Metadata;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Input;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>A user to read, checked.</summary>
internal sealed class GetItem
{
    internal GetItem(string userId) => UserId = userId;

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>Reads an item: the record's user, checked.</summary>
    public static ItemOutcome<GetItem> Read(PipelineRecord record, ImService service) =>
        record.CheckUser(service) is { } bad ? ItemOutcome<GetItem>.Rejected(bad) : ItemOutcome<GetItem>.Success(new GetItem(record.UserId!));
}

/// <summary>An operation whose request is a list of users, <c>{"To_Account":["u1","u2"]}</c>: get attributes, get tags, clear tags.</summary>
internal abstract class UserListOperation<TResult, TResponse> : BulkOperation<GetItem, TResult, GetAttributesRequest, TResponse>
    where TResult : class
    where TResponse : ApiEnvelope
{
    /// <inheritdoc />
    public override JsonTypeInfo<GetAttributesRequest> RequestType => ImJsonContext.Default.GetAttributesRequest;

    /// <inheritdoc />
    public override string UserIdOf(GetItem item) => item.UserId;

    /// <summary>A repeat names the same user: once is enough.</summary>
    public override GetItem Merge(GetItem earlier, GetItem later) => earlier;

    /// <inheritdoc />
    public override GetAttributesRequest Request(IReadOnlyList<GetItem> items) => new() { To_Account = items.Select(i => i.UserId).ToList() };
}

/// <summary>im_get_attr / get_attr: reads each user's attributes, matching the answer to the request by To_Account, never by order.</summary>
internal sealed class GetAttributesOperation : UserListOperation<UserAttributes, GetAttributesResponse>
{
    /// <inheritdoc />
    public override ImOperation Operation => ImOperation.GetAttributes;

    /// <inheritdoc />
    public override JsonTypeInfo<GetAttributesResponse> ResponseType => ImJsonContext.Default.GetAttributesResponse;

    /// <summary>
    /// Each user's attributes from the answer's list, indexed once for the whole batch (<see cref="GetAnswerIndex{TValue}"/>:
    /// a user left out, named twice, or with null Attrs is an error for that user, not an empty result).
    /// </summary>
    public override ItemOutcome<UserAttributes>[] Outcomes(IReadOnlyList<GetItem> items, GetAttributesResponse response, CallContext call)
    {
        var index = new GetAnswerIndex<Dictionary<string, string>>(
            (response.UserAttrs ?? new List<UserAttributeValues>()).Where(u => u is not null).Select(u => (u.To_Account, u.Attrs)), "attributes", "Attrs", "{}");
        var outcomes = new ItemOutcome<UserAttributes>[items.Count];
        for (var k = 0; k < items.Count; k++)
        {
            var user = items[k].UserId;
            outcomes[k] = index.OutcomeFor(call.ApiName, user, (User: user, call.RegisteredNames),
                static (attrs, s) => new UserAttributes(s.User, AttributeNameCase.Table(attrs, s.RegisteredNames)));
        }
        return outcomes;
    }
}
