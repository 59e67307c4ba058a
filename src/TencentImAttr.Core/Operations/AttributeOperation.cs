using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>
/// What the three bulk operations share: a failed call fails every user it carried; an ErrorList fails exactly the
/// users it names (and those with a transient code are sent again, without the others, within the retry budget); the rest succeed.
/// One permanent error is narrowed down: 90033 (an attribute name the app has not registered) fails the whole call,
/// so the users whose names are not registered are reported on their own and the others are sent again.
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

    /// <summary>The API's name in the connection's family, e.g. <c>im_get_attr</c>, for messages.</summary>
    protected string ApiName => ImApiRoutes.ApiName(Connection.Service, Operation);

    /// <inheritdoc />
    public abstract string UserIdOf(TItem item);

    /// <inheritdoc />
    public abstract TItem Merge(TItem earlier, TItem later);

    /// <summary>Sends one call for these items.</summary>
    protected abstract Task<TResponse> SendAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken);

    /// <summary>The attribute names an item carries (Set, Remove), or null when it carries none (Get).</summary>
    protected virtual IEnumerable<string>? NamesOf(TItem item) => null;

    /// <summary>The outcome of an item whose user the response did not name as failed.</summary>
    protected abstract ItemOutcome<TResult> Map(TItem item, TResponse response);

    /// <inheritdoc />
    public async Task<ItemOutcome<TResult>[]> ExecuteAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken)
    {
        var outcomes = new ItemOutcome<TResult>[items.Count];
        var pending = Enumerable.Range(0, items.Count).ToList();
        var apiName = ApiName;
        var policy = new RetryPolicy(MaxRetry);
        var narrowed = false;
        for (var round = 0; pending.Count > 0; round++)
        {
            TResponse response;
            try
            {
                response = await SendAsync(pending.Select(i => items[i]).ToList(), log, cancellationToken).ConfigureAwait(false);
            }
            catch (ImApiException e)
            {
                var culprits = e.ErrorCode == 90033 && !narrowed ? await UnregisteredAsync(e, items, pending, cancellationToken).ConfigureAwait(false) : null;
                if (culprits is null)
                {
                    foreach (var i in pending)
                    {
                        outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.FromApi(e, UserIdOf(items[i])));
                    }
                    break;
                }
                narrowed = true;
                foreach (var pair in culprits)
                {
                    outcomes[pair.Key] = ItemOutcome<TResult>.Failed(pair.Value);
                }
                pending = pending.Where(i => !culprits.ContainsKey(i)).ToList();
                log.Write($"{apiName}: error 90033 narrowed to {culprits.Count} user(s) with unregistered attribute names; sending the other {pending.Count} again");
                round--; // not a retry of a transient failure
                continue;
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

    /// <summary>
    /// After a 90033, reads the app's registered names afresh and names the items that carry others; null when that
    /// explains nothing (every item or none is at fault, or the names cannot be read), so the call's error stands.
    /// </summary>
    private async Task<Dictionary<int, ItemFailure>?> UnregisteredAsync(ImApiException error, IReadOnlyList<TItem> items, List<int> pending, CancellationToken cancellationToken)
    {
        if (NamesOf(items[pending[0]]) is null) return null;
        IReadOnlyList<AppAttributeName> registered;
        try
        {
            registered = await AppAttributeNames.GetAsync(Connection, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ImApiException)
        {
            return null;
        }
        var known = new HashSet<string>(registered.Select(n => n.Name), StringComparer.Ordinal);
        if (known.Count == 0) return null;
        var culprits = new Dictionary<int, ItemFailure>();
        foreach (var i in pending)
        {
            var unknown = NamesOf(items[i])!.Where(n => !known.Contains(n)).ToList();
            if (unknown.Count == 0) continue;
            var user = UserIdOf(items[i]);
            var exception = new ImApiException(error.ApiName, ImFailureKind.Api, 90033, error.ErrorInfo, 200, false,
                $"{error.ApiName} failed with error 90033 for user '{user}': the attribute name(s) {string.Join(", ", unknown.Select(n => "'" + n + "'"))} are not registered for the app. Get-ImAppAttributeName lists the registered names; Set-ImAppAttributeName registers names.");
            culprits.Add(i, ItemFailure.FromApi(exception, user));
        }
        return culprits.Count == 0 ? null : culprits;
    }
}
