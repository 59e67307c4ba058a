namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Merges a user given again while its batch is being gathered into that user's place (the operation's
/// <see cref="IBatchOperation{TItem,TResult}.Merge"/>: Set's later values win, Remove's names join), so that the user
/// is sent once; the repeat keeps a place of its own that takes the same outcome.
/// </summary>
internal sealed class RepeatMerger<TItem, TResult>
    where TItem : class
    where TResult : class
{
    private readonly IBatchOperation<TItem, TResult> _operation;

    public RepeatMerger(IBatchOperation<TItem, TResult> operation) => _operation = operation;

    /// <summary>Merges <paramref name="item"/> into <paramref name="user"/>'s place in <paramref name="batch"/>; false when the user has none yet.</summary>
    public bool TryMerge(Batch<TItem, TResult> batch, string user, TItem item)
    {
        if (!batch.IndexOfUser.TryGetValue(user, out var index)) return false;
        batch.Places[index] = new Place<TItem>(_operation.Merge(batch.Places[index].Item!, item), null);
        batch.Places.Add(Place<TItem>.SameAs(index));
        return true;
    }
}
