using System;
using System.Collections.Generic;
using System.Threading;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Ctrl+C cancelled a call, and this says what became of each of its items: those decided before keep their outcome;
/// the others were not sent (the request never began to go out) or are of unknown outcome (it may have: the service
/// may apply it). Thrown, not returned, so every layer that stops on a cancellation still stops; a layer that
/// accounts for its users (the journal, the engine's stop) reads <see cref="OutcomesOf{TItem,TResult}"/> for the very
/// items it sent, and anything else it cannot tell apart is of unknown outcome.
/// </summary>
internal sealed class CallCancelledException : OperationCanceledException
{
    private readonly object _items;
    private readonly object _outcomes;
    private readonly ItemFailure?[] _failures;

    private CallCancelledException(object items, object outcomes, ItemFailure?[] failures, CancellationToken token)
        : base("The command was stopped (Ctrl+C): the call was cancelled.", token)
    {
        _items = items;
        _outcomes = outcomes;
        _failures = failures;
    }

    /// <summary>The cancelled call of <paramref name="items"/>, one outcome each in <paramref name="outcomes"/>.</summary>
    public static CallCancelledException Of<TItem, TResult>(IReadOnlyList<TItem> items, ItemOutcome<TResult>[] outcomes, CancellationToken token)
        where TResult : class
    {
        var failures = new ItemFailure?[outcomes.Length];
        for (var i = 0; i < outcomes.Length; i++) failures[i] = outcomes[i].Failure;
        return new CallCancelledException(items, outcomes, failures, token);
    }

    /// <summary>The outcomes of <paramref name="items"/> when this is the cancelled call of that very list; else null.</summary>
    public ItemOutcome<TResult>[]? OutcomesOf<TItem, TResult>(IReadOnlyList<TItem> items)
        where TResult : class =>
        ReferenceEquals(_items, items) && _outcomes is ItemOutcome<TResult>[] outcomes && outcomes.Length == items.Count ? outcomes : null;

    /// <summary>The failure of each item (null for one that succeeded before the cancellation), whatever the items' types.</summary>
    public IReadOnlyList<ItemFailure?> Failures => _failures;

    /// <summary>
    /// What a cancellation <paramref name="e"/> left of <paramref name="items"/>: the outcomes it carries for that list,
    /// else each item not sent when <paramref name="sent"/> is false, of unknown outcome when it is (it may have gone).
    /// </summary>
    public static ItemOutcome<TResult>[] Outcomes<TItem, TResult>(Exception e, IReadOnlyList<TItem> items, Func<TItem, string> userOf, bool sent)
        where TResult : class
    {
        if (e is CallCancelledException cut && cut.OutcomesOf<TItem, TResult>(items) is { } known) return known;
        var outcomes = new ItemOutcome<TResult>[items.Count];
        for (var i = 0; i < items.Count; i++) outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.Cancelled(userOf(items[i]), sent));
        return outcomes;
    }
}
