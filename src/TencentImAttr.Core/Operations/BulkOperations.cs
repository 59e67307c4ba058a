using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>The bulk operations over a connection, ready for a <see cref="BatchEngine{TItem,TResult}"/>.</summary>
internal static class BulkOperations
{
    /// <summary>Set attributes; <paramref name="maxRetry"/> null takes the connection's.</summary>
    public static IBatchOperation<SetItem, UserAttributes> Set(ImConnection connection, int? maxRetry = null) => Batches.Of(new SetAttributesOperation(), connection, maxRetry);

    /// <summary>Get attributes.</summary>
    public static IBatchOperation<GetItem, UserAttributes> Get(ImConnection connection, int? maxRetry = null) => Batches.Of(new GetAttributesOperation(), connection, maxRetry);

    /// <summary>Remove attributes.</summary>
    public static IBatchOperation<RemoveItem, RemovedUserAttributes> Remove(ImConnection connection, int? maxRetry = null) => Batches.Of(new RemoveAttributesOperation(), connection, maxRetry);
}
