using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;
using TencentImAttr.Core.Input;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>im_get_attr: reads each user's attributes, matching the answer to the request by To_Account, never by order.</summary>
public sealed class GetAttributesOperation : AttributeOperation<GetItem, UserAttributes, GetAttributesResponse>
{
    /// <summary>Creates the operation.</summary>
    public GetAttributesOperation(ImConnection connection, int? maxRetry = null) : base(connection, maxRetry) { }

    /// <inheritdoc />
    protected override ImOperation Operation => ImOperation.GetAttributes;

    /// <inheritdoc />
    public override string UserIdOf(GetItem item) => item.UserId;

    /// <inheritdoc />
    public override GetItem Merge(GetItem earlier, GetItem later) => earlier;

    /// <inheritdoc />
    protected override Task<GetAttributesResponse> SendAsync(IReadOnlyList<GetItem> items, ICallLog log, CancellationToken cancellationToken)
    {
        var request = new GetAttributesRequest { To_Account = items.Select(i => i.UserId).ToList() };
        return Connection.Client.CallAsync(Operation, request, ImJsonContext.Default.GetAttributesRequest, ImJsonContext.Default.GetAttributesResponse, items.Count, MaxRetry, log, cancellationToken);
    }

    /// <inheritdoc />
    protected override ItemOutcome<UserAttributes> Map(GetItem item, GetAttributesResponse response)
    {
        var index = response.IndexByUser ??= Index(response);
        if (index.TryGetValue(item.UserId, out var attrs))
        {
            return ItemOutcome<UserAttributes>.Success(new UserAttributes(item.UserId, attrs));
        }
        var missing = new ImApiException(ApiName, ImFailureKind.MalformedResponse, 0, null, 200, false,
            $"{ApiName}: the response did not mention user '{item.UserId}', so its attributes are unknown.");
        return ItemOutcome<UserAttributes>.Failed(new ItemFailure(missing, "ImUserMissingFromResponse", ImErrorCategory.InvalidResult, item.UserId));
    }

    private Dictionary<string, Dictionary<string, string>> Index(GetAttributesResponse response)
    {
        var index = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var user in response.UserAttrs ?? Enumerable.Empty<UserAttributeValues>())
        {
            if (user?.To_Account is null || index.ContainsKey(user.To_Account)) continue;
            index.Add(user.To_Account, AttributeNameCase.Table(user.Attrs, Connection.RegisteredNames));
        }
        return index;
    }
}
