using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Runs each batch's send on a task: after the earlier calls of its users, through the operation, giving back one
/// outcome per item whatever happens. The first connection-level failure it meets stops sending for the whole run
/// (<see cref="StopSending"/>), and is kept for the pipeline thread to stop on.
/// </summary>
internal sealed class BatchSender<TItem, TResult> : IDisposable
    where TItem : class
    where TResult : class
{
    private readonly IBatchOperation<TItem, TResult> _operation;
    private readonly QueuedCallLog _log;
    private readonly BackPressure _backPressure;
    // Cancelled when the run stops early: no new attempt starts, the calls on the wire finish (see RunStop).
    private readonly CancellationTokenSource _stopSending = new();
    private ItemFailure? _brokenConnection;

    public BatchSender(IBatchOperation<TItem, TResult> operation, QueuedCallLog log, BackPressure backPressure)
    {
        _operation = operation;
        _log = log;
        _backPressure = backPressure;
    }

    /// <summary>The connection-level failure that stops the run, once a call met one; else null.</summary>
    public ItemFailure? BrokenConnection => Volatile.Read(ref _brokenConnection);

    /// <summary>Stops new attempts of every call; those on the wire finish.</summary>
    public void StopSending() => _stopSending.Cancel();

    /// <summary>
    /// Starts the call of <paramref name="items"/> (reserved: see <see cref="BackPressure.TryReserveCall"/>), after the calls in <paramref name="before"/>;
    /// the pipeline thread, waiting for the head of the queue, is woken when it is over (per call, not per user).
    /// </summary>
    public Task<ItemOutcome<TResult>[]> Start(List<TItem> items, List<Task>? before, CancellationToken token)
    {
        _backPressure.CallStarted();
        var call = Task.Run(() => SendAsync(items, before, token), token);
        _ = call.ContinueWith(static (_, log) => ((QueuedCallLog)log!).Wake(), _log, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return call;
    }

    public void Dispose() => _stopSending.Dispose();

    private async Task<ItemOutcome<TResult>[]> SendAsync(List<TItem> items, List<Task>? before, CancellationToken token)
    {
        var started = false;
        try
        {
            if (before is not null)
            {
                await Task.WhenAll(before).ConfigureAwait(false);
            }
            token.ThrowIfCancellationRequested();
            started = true;
            var outcomes = await _operation.ExecuteAsync(items, _log, token, _stopSending.Token).ConfigureAwait(false);
            if (outcomes.Length != items.Count)
            {
                throw new InvalidOperationException($"The operation returned {outcomes.Length} outcomes for {items.Count} items.");
            }
            foreach (var outcome in outcomes)
            {
                if (ConnectionLevel(outcome.Failure))
                {
                    // The first such failure stops the run: no other call starts, whatever its place in the order.
                    if (Interlocked.CompareExchange(ref _brokenConnection, outcome.Failure, null) is null) _stopSending.Cancel();
                    break;
                }
            }
            return outcomes;
        }
        catch (Exception e) when (token.IsCancellationRequested && e is OperationCanceledException or ImApiException)
        {
            // Ctrl+C: the call ends with what became of each user (the run's stop counts them), not as cancelled.
            // A call that never reached the operation (it waited for its users' earlier calls) sent nothing; one
            // whose operation cannot say is of unknown outcome.
            return CallCancelledException.Outcomes<TItem, TResult>(e, items, _operation.UserIdOf, sent: started);
        }
        catch (Exception e)
        {
            // A defect in an operation must still account for every user it carried.
            var failures = new ItemOutcome<TResult>[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                var user = _operation.UserIdOf(items[i]);
                failures[i] = ItemOutcome<TResult>.Failed(new ItemFailure(e, ErrorIds.UnexpectedError, ImErrorCategory.NotSpecified, user));
            }
            return failures;
        }
        finally
        {
            _backPressure.CallEnded();
        }
    }

    /// <summary>Whether a failure stops the run: its call's failure, or the one it wraps (a ReplacePartlyApplied's refused remove).</summary>
    private static bool ConnectionLevel(ItemFailure? failure) =>
        (failure?.Exception as ImApiException ?? failure?.Exception.InnerException as ImApiException) is { } e && ResponseClassifier.IsConnectionLevel(e);
}
