using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// A stopped run's accounting, one home whatever stopped it: every user the engine still holds goes into one list of
/// the <see cref="RunAccount"/> (applied, failed, outcome unknown, not sent) and into the summary's held counts, and
/// the stop's terminating exception is made from them.
/// </summary>
internal sealed class StopAccounting<TItem, TResult>
    where TItem : class
    where TResult : class
{
    private readonly IBatchOperation<TItem, TResult> _operation;
    private readonly RunTally _tally;
    private readonly BackPressure _backPressure;

    public StopAccounting(IBatchOperation<TItem, TResult> operation, RunTally tally, BackPressure backPressure)
    {
        _operation = operation;
        _tally = tally;
        _backPressure = backPressure;
    }

    /// <summary>
    /// Waits for the calls still out (sending was stopped) and counts every user held: the batches waiting in
    /// <paramref name="order"/>, then <paramref name="beingGathered"/>.
    /// </summary>
    /// <remarks>
    /// After a Ctrl+C (<paramref name="interrupted"/>) the calls out were cancelled: each ends at once with what became of
    /// its users (not sent, or of unknown outcome when its request may have gone out), and is waited for without the
    /// cancelled token; one that does not end within <see cref="CancelledCallWait"/> (a defect) is of unknown outcome.
    /// </remarks>
    public void CountHeld(RunAccount account, InputOrder<TItem, TResult> order, Batch<TItem, TResult> beingGathered, CancellationToken cancellationToken, bool interrupted = false)
    {
        _tally.HeldAccounted = true;
        while (order.Count > 0)
        {
            var batch = order.Dequeue();
            ItemOutcome<TResult>[]? outcomes = null;
            if (batch.Call is not null)
            {
                var over = true;
                try
                {
                    if (!interrupted)
                    {
                        try
                        {
                            batch.Call.Wait(cancellationToken);
                        }
                        catch (System.OperationCanceledException)
                        {
                            // Ctrl+C while a stop waits for its calls: they are cancelled now; wait for them (and the
                            // later batches) as after Ctrl+C, so that every held user is still counted.
                            interrupted = true;
                        }
                    }
                    if (interrupted) over = batch.Call.Wait(CancelledCallWait);
                }
                catch (System.AggregateException)
                {
                    // Observed below: a call cancelled before it ran is counted as not sent.
                }
                outcomes = batch.Call.Status == TaskStatus.RanToCompletion ? batch.Call.Result : null;
                if (!over) outcomes = StillOut(batch);
            }
            var next = 0;
            var byPlace = new ItemOutcome<TResult>?[batch.Places.Count];
            for (var i = 0; i < batch.Places.Count; i++)
            {
                if (batch.Places[i].Item is not null) byPlace[i] = outcomes?[next++];
            }
            for (var i = 0; i < batch.Places.Count; i++)
            {
                _backPressure.Hold(-1);
                var place = batch.Places[i];
                var outcome = byPlace[place.OutcomeIndex(i)];
                var failure = place.Failure ?? (outcome is { } o ? FailureOf(o, place, batch) : ItemFailure.Unsent(UserOf(place, null, batch) ?? "", false));
                Count(account, place, failure, batch);
            }
        }
        foreach (var place in beingGathered.Places)
        {
            _backPressure.Hold(-1);
            // A repeat of a user (no item of its own) was not sent either.
            Count(account, place, place.Failure ?? ItemFailure.Unsent(UserOf(place, null, beingGathered) ?? "", false), beingGathered);
        }
    }

    /// <summary>How long a Ctrl+C waits for a cancelled call to end, a bound for a defect only: a cancelled call ends at once.</summary>
    private static readonly System.TimeSpan CancelledCallWait = System.TimeSpan.FromSeconds(10);

    /// <summary>A call that did not end after its cancellation: its users may have been sent.</summary>
    private ItemOutcome<TResult>[] StillOut(Batch<TItem, TResult> batch)
    {
        var items = batch.Items();
        var outcomes = new ItemOutcome<TResult>[items.Count];
        for (var i = 0; i < items.Count; i++) outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.Cancelled(_operation.UserIdOf(items[i]), mayHaveGone: true));
        return outcomes;
    }

    /// <summary>A stop at place <paramref name="at"/> of a batch being written: the places after it are held, and counted with their call's outcomes.</summary>
    public void CountRestOfBatch(RunAccount account, Batch<TItem, TResult> batch, ItemOutcome<TResult>[] byPlace, int at)
    {
        for (var k = at + 1; k < batch.Places.Count; k++)
        {
            _backPressure.Hold(-1);
            var later = batch.Places[k];
            Count(account, later, later.Failure ?? FailureOf(byPlace[later.OutcomeIndex(k)], later, batch), batch);
        }
    }

    /// <summary>The place where the caller's -ErrorAction Stop stopped the run: its failure is counted, its user listed as failed.</summary>
    public void CountStoppingPoint(RunAccount account, Place<TItem> place, ItemFailure failure)
    {
        _tally.CountFailed(failure.ErrorId);
        account.Add(account.Failed, UserOf(place, failure));
    }

    /// <summary>The stop's terminating exception, its totals over all the run's input (<paramref name="stoppedAt"/>: users written before the stop).</summary>
    public ImRunStoppedException Exception(RunAccount account, ItemFailure cause, System.Exception inner, StopCause why, long stoppedAt)
    {
        var totals = new RunTotals(_tally.Succeeded + _tally.HeldApplied, _tally.FailedInAll(), _tally.HeldUnknown, _tally.HeldNotSent, _tally.Declined);
        return RunStop.Exception(cause, inner, why, stoppedAt, _tally.Succeeded, _tally.Received, account, totals);
    }

    /// <summary>An outcome's failure for a stopped run's accounting: a declined write was not sent.</summary>
    private ItemFailure? FailureOf(ItemOutcome<TResult> outcome, Place<TItem> place, Batch<TItem, TResult> batch) =>
        outcome.Declined ? ItemFailure.Unsent(UserOf(place, null, batch) ?? "", false) : outcome.Failure;

    /// <summary>Puts one held place in its list: success is applied, a failure failed, unknown or not sent.</summary>
    private void Count(RunAccount account, Place<TItem> place, ItemFailure? failure, Batch<TItem, TResult> batch)
    {
        var user = UserOf(place, failure, batch);
        // The summary counts every place, as it counts the users written before the stop; the lists hold each user once.
        if (failure is null)
        {
            account.Add(account.Applied, user);
            _tally.HeldApplied++;
        }
        else if (failure.OutcomeUnknown)
        {
            account.Add(account.OutcomeUnknown, user);
            _tally.HeldUnknown++;
        }
        else if (failure.NotSent)
        {
            account.Add(account.NotSent, user);
            _tally.HeldNotSent++;
        }
        else
        {
            account.Add(account.Failed, user);
            _tally.CountFailed(failure.ErrorId);
        }
    }

    private string? UserOf(Place<TItem> place, ItemFailure? failure, Batch<TItem, TResult>? batch = null)
    {
        if (place.Item is not null) return _operation.UserIdOf(place.Item);
        if (place.SameAsPlace >= 0 && batch is not null && batch.Places[place.SameAsPlace].Item is { } first) return _operation.UserIdOf(first);
        return (failure ?? place.Failure)?.TargetObject as string;
    }
}
