using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;

namespace TencentImAttr.Core.Operations;

/// <summary>
/// What the three bulk operations share: a failed call fails every user it carried; an ErrorList fails exactly the
/// users it names (and those with a transient code are sent again, alone, within the retry budget); the rest succeed.
/// </summary>
public abstract class AttributeOperation<TItem, TResult, TResponse> : IBatchOperation<TItem, TResult>
    where TItem : class
    where TResult : class
    where TResponse : ApiEnvelope
{
    /// <summary>Creates the operation.</summary>
    protected AttributeOperation(ImConnection connection, int? maxRetry)
    {
        Connection = connection;
        MaxRetry = maxRetry ?? connection.MaxRetry;
    }

    /// <summary>The connection the calls go through.</summary>
    protected ImConnection Connection { get; }

    /// <summary>Retries of a transient failure.</summary>
    protected int MaxRetry { get; }

    /// <summary>The operation's API (for messages).</summary>
    protected abstract ImOperation Operation { get; }

    /// <inheritdoc />
    public abstract string UserIdOf(TItem item);

    /// <inheritdoc />
    public abstract TItem Merge(TItem earlier, TItem later);

    /// <summary>Sends one call for these items.</summary>
    protected abstract Task<TResponse> SendAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken);

    /// <summary>The outcome of an item whose user the response did not name as failed.</summary>
    protected abstract ItemOutcome<TResult> Map(TItem item, TResponse response);

    /// <inheritdoc />
    public async Task<ItemOutcome<TResult>[]> ExecuteAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken)
    {
        var outcomes = new ItemOutcome<TResult>[items.Count];
        var pending = Enumerable.Range(0, items.Count).ToList();
        var apiName = ImApiRoutes.ApiName(Connection.Service, Operation);
        var policy = new RetryPolicy(MaxRetry);
        for (var round = 0; pending.Count > 0; round++)
        {
            TResponse response;
            try
            {
                response = await SendAsync(pending.Select(i => items[i]).ToList(), log, cancellationToken).ConfigureAwait(false);
            }
            catch (ImApiException e)
            {
                foreach (var i in pending)
                {
                    outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.FromApi(e, UserIdOf(items[i])));
                }
                break;
            }
            var failed = new Dictionary<string, UserError>(StringComparer.Ordinal);
            foreach (var error in response.ErrorList ?? Enumerable.Empty<UserError>())
            {
                if (error?.To_Account is not null && !failed.ContainsKey(error.To_Account))
                {
                    failed.Add(error.To_Account, error);
                }
            }
            var again = new List<int>();
            foreach (var i in pending)
            {
                var user = UserIdOf(items[i]);
                if (!failed.TryGetValue(user, out var error))
                {
                    outcomes[i] = Map(items[i], response);
                    continue;
                }
                var code = error.ErrorCode == 0 ? 90000 : error.ErrorCode;
                if (ImErrorCodes.IsTransient(code) && round < MaxRetry)
                {
                    again.Add(i);
                    continue;
                }
                outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.FromApi(ImApiException.FromCode(apiName, code, Connection.ScrubOrNull(error.ErrorInfo)), user));
            }
            pending = again;
            if (pending.Count > 0)
            {
                var delay = policy.DelayBefore(round + 1);
                log.Write($"{apiName}: {pending.Count} user(s) failed with a transient error; sending them again in {delay.TotalSeconds:0.0} s");
                await Connection.Clock.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
        return outcomes;
    }
}
