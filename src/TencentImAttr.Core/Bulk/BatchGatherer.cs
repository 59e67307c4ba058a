namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Gathers input items into the batch being filled, and says when it is ready to send: when it holds a batch's
/// distinct users, or, with repeats and rejected items, four batches' worth of places (a long stretch of bad input
/// must not pile up behind a batch that never fills).
/// </summary>
internal sealed class BatchGatherer<TItem, TResult>
    where TItem : class
    where TResult : class
{
    private readonly int _batchSize;
    private readonly RepeatMerger<TItem, TResult> _repeats;

    public BatchGatherer(int batchSize, RepeatMerger<TItem, TResult> repeats)
    {
        _batchSize = batchSize;
        _repeats = repeats;
        Batch = new Batch<TItem, TResult>(batchSize);
    }

    /// <summary>The batch being gathered.</summary>
    public Batch<TItem, TResult> Batch { get; private set; }

    /// <summary>Places a valid item for <paramref name="user"/>, merged into that user's place when it is a repeat; true when the batch is ready to send.</summary>
    public bool Add(TItem item, string user)
    {
        var batch = Batch;
        if (_repeats.TryMerge(batch, user, item)) return TooManyPlaces(batch);
        batch.IndexOfUser.Add(user, batch.Places.Count);
        batch.Places.Add(new Place<TItem>(item, null));
        return batch.IndexOfUser.Count >= _batchSize;
    }

    /// <summary>Places an item rejected before sending, so that it is reported in its place; true when the batch is ready to send.</summary>
    public bool AddRejected(ItemFailure failure)
    {
        Batch.Places.Add(new Place<TItem>(null, failure));
        return TooManyPlaces(Batch);
    }

    /// <summary>
    /// Whether repeats and rejected items have filled four batches' worth of places. Asked only after one of those is
    /// placed: a new user is asked only about the distinct users, so a batch may pass four batches' worth with them.
    /// </summary>
    private bool TooManyPlaces(Batch<TItem, TResult> batch) => batch.Places.Count >= 4 * _batchSize;

    /// <summary>Hands over the batch gathered and starts an empty one.</summary>
    public Batch<TItem, TResult> Take()
    {
        var batch = Batch;
        Batch = new Batch<TItem, TResult>(_batchSize);
        return batch;
    }
}
