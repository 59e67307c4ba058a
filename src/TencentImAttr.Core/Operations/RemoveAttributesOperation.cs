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

/// <summary>im_remove_attr: removes the named attributes of each user (the wire carries an array of names).</summary>
public sealed class RemoveAttributesOperation : AttributeOperation<RemoveItem, RemovedUserAttributes, ApiEnvelope>
{
    /// <summary>Creates the operation.</summary>
    public RemoveAttributesOperation(ImConnection connection, int? maxRetry = null) : base(connection, maxRetry) { }

    /// <inheritdoc />
    protected override ImOperation Operation => ImOperation.RemoveAttributes;

    /// <inheritdoc />
    public override string UserIdOf(RemoveItem item) => item.UserId;

    /// <inheritdoc />
    public override RemoveItem Merge(RemoveItem earlier, RemoveItem later) =>
        new(earlier.UserId, earlier.Names.Concat(later.Names).Distinct(System.StringComparer.Ordinal).ToList());

    /// <inheritdoc />
    protected override IEnumerable<string> NamesOf(RemoveItem item) => item.Names;

    /// <inheritdoc />
    protected override Task<ApiEnvelope> SendAsync(IReadOnlyList<RemoveItem> items, ICallLog log, CancellationToken cancellationToken)
    {
        var request = new RemoveAttributesRequest
        {
            UserAttrs = items.Select(i => new UserAttributeNames { To_Account = i.UserId, Attrs = i.Names }).ToList(),
        };
        return Connection.Client.CallAsync(Operation, request, ImJsonContext.Default.RemoveAttributesRequest, ImJsonContext.Default.ApiEnvelope, items.Count, MaxRetry, log, cancellationToken);
    }

    /// <inheritdoc />
    protected override ItemOutcome<RemovedUserAttributes> Map(RemoveItem item, ApiEnvelope response) =>
        ItemOutcome<RemovedUserAttributes>.Success(new RemovedUserAttributes(item.UserId, item.Names));
}
