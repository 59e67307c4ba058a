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
    protected override ItemOutcome<UserAttributes> Map(GetItem item, GetAttributesResponse response) =>
        (response.IndexByUser ??= new GetAnswerIndex(response, Connection.RegisteredNames)).OutcomeFor(ApiName, item.UserId);
}
