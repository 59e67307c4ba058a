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

/// <summary>im_set_attr: sets the given attributes of each user; other attributes stay as they are.</summary>
public sealed class SetAttributesOperation : AttributeOperation<SetItem, UserAttributes, ApiEnvelope>
{
    /// <summary>Creates the operation.</summary>
    public SetAttributesOperation(ImConnection connection, int? maxRetry = null) : base(connection, maxRetry) { }

    /// <inheritdoc />
    protected override ImOperation Operation => ImOperation.SetAttributes;

    /// <inheritdoc />
    public override string UserIdOf(SetItem item) => item.UserId;

    /// <inheritdoc />
    public override SetItem Merge(SetItem earlier, SetItem later)
    {
        var merged = new Dictionary<string, string>(earlier.Attributes, System.StringComparer.Ordinal);
        foreach (var pair in later.Attributes) merged[pair.Key] = pair.Value;
        return new SetItem(earlier.UserId, merged);
    }

    /// <inheritdoc />
    protected override IEnumerable<string> NamesOf(SetItem item) => item.Attributes.Keys;

    /// <inheritdoc />
    protected override Task<ApiEnvelope> SendAsync(IReadOnlyList<SetItem> items, ICallLog log, CancellationToken cancellationToken)
    {
        // Users with nothing to set (rows of empty cells) succeed without being sent; a batch of only those sends no call.
        var carrying = items.Where(i => i.Attributes.Count > 0).ToList();
        if (carrying.Count == 0) return Task.FromResult(new ApiEnvelope { ActionStatus = "OK" });
        var request = new SetAttributesRequest
        {
            UserAttrs = carrying.Select(i => new UserAttributeValues { To_Account = i.UserId, Attrs = i.Attributes }).ToList(),
        };
        return Connection.Client.CallAsync(Operation, request, ImJsonContext.Default.SetAttributesRequest, ImJsonContext.Default.ApiEnvelope, items.Count, MaxRetry, log, cancellationToken);
    }

    /// <inheritdoc />
    protected override ItemOutcome<UserAttributes> Map(SetItem item, ApiEnvelope response) =>
        ItemOutcome<UserAttributes>.Success(new UserAttributes(item.UserId, AttributeNameCase.Table(item.Attributes, Connection.RegisteredNames)));
}
