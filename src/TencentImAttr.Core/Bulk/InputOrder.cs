using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Keeps outcomes in input order: the batches sent (or declined, or with nothing to send) wait in a queue and are
/// written from its head once finished. Keeps each user's calls in order too: a batch that carries a user whose
/// earlier batch is still in flight waits for that call first, so that two calls for one user never race.
/// </summary>
internal sealed class InputOrder<TItem, TResult>
    where TItem : class
    where TResult : class
{
    private readonly Queue<Batch<TItem, TResult>> _batches = new();
    private readonly Dictionary<string, Task> _lastCallOfUser = new(StringComparer.Ordinal);

    /// <summary>Batches waiting to be written.</summary>
    public int Count => _batches.Count;

    /// <summary>Whether the batch at the head is finished, so that its outcomes may be written.</summary>
    public bool HeadFinished => _batches.Count > 0 && _batches.Peek().IsFinished;

    /// <summary>The batch at the head.</summary>
    public Batch<TItem, TResult> Head => _batches.Peek();

    public void Enqueue(Batch<TItem, TResult> batch) => _batches.Enqueue(batch);

    /// <summary>Whether <paramref name="batch"/> is in the queue (a stop's check, not a hot path).</summary>
    public bool Holds(Batch<TItem, TResult> batch) => _batches.Contains(batch);

    public Batch<TItem, TResult> Dequeue() => _batches.Dequeue();

    /// <summary>The calls still in flight for the users of <paramref name="batch"/>, which its call must wait for; null when none.</summary>
    public List<Task>? EarlierCallsOf(Batch<TItem, TResult> batch)
    {
        List<Task>? before = null;
        foreach (var user in batch.IndexOfUser.Keys)
        {
            if (_lastCallOfUser.TryGetValue(user, out var earlier) && !earlier.IsCompleted)
            {
                (before ??= new List<Task>()).Add(earlier);
            }
        }
        return before;
    }

    /// <summary>Notes <paramref name="batch"/>'s call as the last of each of its users.</summary>
    public void NoteCall(Batch<TItem, TResult> batch)
    {
        foreach (var user in batch.IndexOfUser.Keys)
        {
            _lastCallOfUser[user] = batch.Call!;
        }
    }

    /// <summary>Forgets <paramref name="batch"/>'s call, once written, for the users whose last call it was.</summary>
    public void ForgetCall(Batch<TItem, TResult> batch)
    {
        foreach (var user in batch.IndexOfUser.Keys)
        {
            if (_lastCallOfUser.TryGetValue(user, out var last) && ReferenceEquals(last, batch.Call))
            {
                _lastCallOfUser.Remove(user);
            }
        }
    }
}
