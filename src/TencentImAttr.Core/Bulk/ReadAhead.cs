using System.Collections.Generic;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Items read while their check waits for an answer on the wire (the app's names, one round trip at a run's start):
/// kept in input order outside the engine's batches, so that the pipeline goes on reading instead of waiting, and
/// checked and gathered when the answer comes (<see cref="ItemIntake{TItem,TResult}"/>). None is sent before then. A
/// stop counts each as read and not sent, or failed when it was rejected (<see cref="StopAccounting{TItem,TResult}"/>).
/// </summary>
internal sealed class ReadAhead<TItem>
    where TItem : class
{
    private readonly Queue<ItemOutcome<TItem>> _items = new();

    /// <summary>Items held now.</summary>
    public int Count => _items.Count;

    /// <summary>Keeps <paramref name="read"/> after the others.</summary>
    public void Hold(ItemOutcome<TItem> read) => _items.Enqueue(read);

    /// <summary>The first item held, taken out; false when none is held.</summary>
    public bool TryTake(out ItemOutcome<TItem> read)
    {
        if (_items.Count == 0)
        {
            read = default;
            return false;
        }
        read = _items.Dequeue();
        return true;
    }
}
