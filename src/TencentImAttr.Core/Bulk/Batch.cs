using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// One batch: the items gathered for one send of the operation (at most <see cref="EngineOptions.BatchSize"/> distinct
/// users), each input item in its place, so that outcomes come out in input order.
/// </summary>
internal sealed class Batch<TItem, TResult>
    where TItem : class
    where TResult : class
{
    // Sized for a full batch from the start: growing them by doubling, batch after batch, was a good part of the
    // engine's garbage per user (issue 18). A batch holds at least a batch's users unless the input ends.
    public Batch(int batchSize)
    {
        Places = new List<Place<TItem>>(batchSize);
        IndexOfUser = new Dictionary<string, int>(batchSize, StringComparer.Ordinal);
    }

    /// <summary>Every input item of the batch, in input order: sent items, rejected items and repeats.</summary>
    public List<Place<TItem>> Places { get; }

    /// <summary>The place that carries each user's (merged) item.</summary>
    public Dictionary<string, int> IndexOfUser { get; }

    /// <summary>The batch's send, once started; null while gathering, and for a batch with nothing to send or declined.</summary>
    public Task<ItemOutcome<TResult>[]>? Call { get; set; }

    /// <summary>The batch was not approved: its users are not sent and get no outcome.</summary>
    public bool Declined { get; set; }

    /// <summary>Whether the batch has finished: nothing was sent, or its send is over.</summary>
    public bool IsFinished => Call is null || Call.IsCompleted;

    /// <summary>The items to send, one per user, in their order.</summary>
    public List<TItem> Items()
    {
        var items = new List<TItem>(IndexOfUser.Count);
        foreach (var place in Places)
        {
            if (place.Item is not null) items.Add(place.Item);
        }
        return items;
    }
}

/// <summary>An input item's place in its batch: the item sent, a rejection, or a repeat of a user placed earlier.</summary>
internal readonly struct Place<TItem>
    where TItem : class
{
    public Place(TItem? item, ItemFailure? failure, int sameAsPlace = -1)
    {
        Item = item;
        Failure = failure;
        SameAsPlace = sameAsPlace;
    }

    /// <summary>The item to send; null for a rejected item or a repeat.</summary>
    public TItem? Item { get; }

    /// <summary>Why the item was rejected before sending.</summary>
    public ItemFailure? Failure { get; }

    /// <summary>For a repeated user, the index of the place that carries it; else -1.</summary>
    public int SameAsPlace { get; }

    /// <summary>The place whose outcome this place (at <paramref name="index"/>) takes: its own, or, for a repeat, its user's first.</summary>
    public int OutcomeIndex(int index) => SameAsPlace >= 0 ? SameAsPlace : index;

    /// <summary>A repeat of the user carried at <paramref name="index"/>.</summary>
    public static Place<TItem> SameAs(int index) => new(null, null, index);
}
