using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;

namespace TencentImAttr.Core.Bulk;

/// <summary>An operation's description over a connection, as the engine drives it: each batch goes through one <see cref="CallSender"/>.</summary>
internal sealed class Batches<TItem, TResult, TRequest, TResponse> : IBatchOperation<TItem, TResult>
    where TItem : class
    where TResult : class
    where TResponse : ApiEnvelope
{
    private readonly BulkOperation<TItem, TResult, TRequest, TResponse> _operation;
    private readonly ImConnection _connection;
    private readonly int? _maxRetry;

    /// <summary>Sends <paramref name="operation"/>'s batches through <paramref name="connection"/>; <paramref name="maxRetry"/> null takes the connection's.</summary>
    public Batches(BulkOperation<TItem, TResult, TRequest, TResponse> operation, ImConnection connection, int? maxRetry)
    {
        _operation = operation;
        _connection = connection;
        _maxRetry = maxRetry;
    }

    /// <inheritdoc />
    public string UserIdOf(TItem item) => _operation.UserIdOf(item);

    /// <inheritdoc />
    public TItem Merge(TItem earlier, TItem later) => _operation.Merge(earlier, later);

    /// <inheritdoc />
    public Task<ItemOutcome<TResult>[]> ExecuteAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken) =>
        PartedSend.SendAsync(new CallSender(_connection, _maxRetry, log), _operation, items, cancellationToken);
}

/// <summary>Builds <see cref="Batches{TItem,TResult,TRequest,TResponse}"/> with the types inferred.</summary>
internal static class Batches
{
    /// <summary>Sends <paramref name="operation"/>'s batches through <paramref name="connection"/>.</summary>
    public static Batches<TItem, TResult, TRequest, TResponse> Of<TItem, TResult, TRequest, TResponse>(BulkOperation<TItem, TResult, TRequest, TResponse> operation, ImConnection connection, int? maxRetry)
        where TItem : class
        where TResult : class
        where TResponse : ApiEnvelope =>
        new(operation, connection, maxRetry);
}
