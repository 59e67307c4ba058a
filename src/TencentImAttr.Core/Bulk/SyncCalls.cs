using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;

namespace TencentImAttr.Core.Bulk;

/// <summary>What a desired-state sync made of one user: how it differed from the source (null: it did not), and whether the writes were sent.</summary>
internal sealed class SyncResult<TDrift>
    where TDrift : class
{
    /// <summary>Creates the result.</summary>
    public SyncResult(string userId, TDrift? drift, bool applied)
    {
        UserId = userId;
        Drift = drift;
        Applied = applied;
    }

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>How the user differed from the source; null when it was equal (nothing was written for it).</summary>
    public TDrift? Drift { get; }

    /// <summary>The writes that make the user equal were sent and succeeded.</summary>
    public bool Applied { get; }
}

/// <summary>
/// The calls of a desired-state sync (-Replace), shared by its operations: a sync batch (many calls' worth of users)
/// is read in calls of at most 100 users, and its writes are packed into calls of at most 100 users whatever call
/// read them, so that a batch where 1 user in 100 changed costs about one write call per 100 read calls. Every call
/// goes through the batch's <see cref="CallSender"/> (its retries, quota, ErrorList and counting) and takes one of
/// the operation's limit of calls in flight (-ThrottleLimit at once, whatever the number of sync batches). Each write call
/// is asked on the pipeline thread first (<see cref="ICallLog.AskAsync"/>), worded from what it will change.
/// </summary>
internal sealed class SyncCalls : IDisposable
{
    /// <summary>
    /// Users per sync batch (the engine's batch size for a sync): 100 read calls' worth, so that the writes of
    /// scattered changes fill their calls (1 % changed is about one set call per 100 read calls), and four batches stay
    /// within the engine's 40,000 held items.
    /// </summary>
    public const int UsersPerSync = 10_000;

    /// <summary>Users one call carries at most (the API's limit).</summary>
    public const int UsersPerCall = 100;

    private readonly SemaphoreSlim _inFlight;

    /// <summary>At most <paramref name="throttleLimit"/> calls in flight at once, over every batch of the run.</summary>
    public SyncCalls(int throttleLimit) => _inFlight = new SemaphoreSlim(Math.Max(1, throttleLimit));

    /// <summary>Reads <paramref name="items"/> with <paramref name="read"/>, 100 users per call, the calls at once (within the limit of calls in flight); one outcome per item, in order.</summary>
    public async Task<ItemOutcome<TResult>[]> ReadAsync<TItem, TResult, TRequest, TResponse>(CallSender sender, BulkOperation<TItem, TResult, TRequest, TResponse> read,
        IReadOnlyList<TItem> items, CancellationToken cancellationToken, CancellationToken stopSending)
        where TItem : class
        where TResult : class
        where TResponse : ApiEnvelope
    {
        var calls = CallsOf(items.Count);
        var answers = await Task.WhenAll(calls.Select(c => InFlightAsync(() => sender.SendAsync(read, c.Select(i => items[i]).ToList(), cancellationToken, stopSending), cancellationToken))).ConfigureAwait(false);
        return Join(items.Count, calls, answers);
    }

    /// <summary>
    /// Writes <paramref name="items"/> with <paramref name="write"/>, 100 users per call; each call is first asked
    /// (<paramref name="approve"/>, given the call's users, on the pipeline thread). A declined call's items come
    /// back <see cref="ItemOutcome{TResult}.Declined"/>; a call not asked because the run stopped, not sent.
    /// </summary>
    public async Task<ItemOutcome<TResult>[]> WriteAsync<TItem, TResult, TRequest, TResponse>(CallSender sender, BulkOperation<TItem, TResult, TRequest, TResponse> write,
        IReadOnlyList<TItem> items, Func<IReadOnlyList<TItem>, bool> approve, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending)
        where TItem : class
        where TResult : class
        where TResponse : ApiEnvelope
    {
        var calls = CallsOf(items.Count);
        var answers = await Task.WhenAll(calls.Select(async c =>
        {
            var callItems = c.Select(i => items[i]).ToList();
            bool approved;
            using (var waits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopSending))
            {
                try
                {
                    approved = await log.AskAsync(() => approve(callItems), waits.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is RunRefusedException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // The run stopped while the question waited, or the question itself stopped it (it could not be asked).
                    return callItems.Select(i => ItemOutcome<TResult>.Failed(ItemFailure.Unsent(write.UserIdOf(i), false))).ToArray();
                }
            }
            if (!approved) return callItems.Select(_ => ItemOutcome<TResult>.DeclinedWith(null)).ToArray();
            return await InFlightAsync(() => sender.SendAsync(write, callItems, cancellationToken, stopSending), cancellationToken).ConfigureAwait(false);
        })).ConfigureAwait(false);
        return Join(items.Count, calls, answers);
    }

    private async Task<T> InFlightAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call().ConfigureAwait(false);
        }
        finally
        {
            try
            {
                _inFlight.Release();
            }
            catch (ObjectDisposedException)
            {
                // The run was disposed (Ctrl+C) while this call finished: no one waits for its place in flight.
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _inFlight.Dispose();

    /// <summary>The indices of <paramref name="count"/> items, in calls of at most <see cref="UsersPerCall"/>.</summary>
    private static List<int[]> CallsOf(int count) =>
        Enumerable.Range(0, (count + UsersPerCall - 1) / UsersPerCall)
            .Select(k => Enumerable.Range(k * UsersPerCall, Math.Min(UsersPerCall, count - k * UsersPerCall)).ToArray()).ToList();

    private static ItemOutcome<TResult>[] Join<TResult>(int count, List<int[]> calls, ItemOutcome<TResult>[][] answers)
        where TResult : class
    {
        var outcomes = new ItemOutcome<TResult>[count];
        for (var k = 0; k < calls.Count; k++)
        {
            for (var j = 0; j < calls[k].Length; j++) outcomes[calls[k][j]] = answers[k][j];
        }
        return outcomes;
    }
}
