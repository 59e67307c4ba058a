using System;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Where each item read enters the run, on the pipeline thread: a journaled run's journal is told (-Resume may skip it), a rejected
/// item goes to its place, a valid one passes its check (<see cref="IItemCheck{TItem}"/>) and is gathered, or stops
/// the run before it is sent. While the check waits for its answer (the app's names, read at the first item that
/// names an attribute), the items read are held in order (<see cref="ReadAhead{TItem}"/>), up to
/// <see cref="EngineOptions.MaxReadAhead"/>, instead of the pipeline waiting a round trip: when the answer comes, they
/// are checked and gathered in input order, so the first calls go out at the quota's pace at once. Nothing held is
/// sent before its check passed: a name the app does not register is still one error before anything carrying it.
/// </summary>
internal sealed class ItemIntake<TItem, TResult>
    where TItem : class
    where TResult : class
{
    private readonly BatchEngine<TItem, TResult> _engine;
    private readonly Func<ItemOutcome<TItem>, bool>? _received;
    private readonly IItemCheck<TItem>? _check;
    private readonly int _maxReadAhead;

    /// <param name="engine">The run's engine: it gathers what passes, and holds the items read ahead for a stop to count.</param>
    /// <param name="received">
    /// Told of each item in input order as it enters (a journaled run's input positions); false skips the item
    /// (-Resume: done already). Null takes every item.
    /// </param>
    /// <param name="check">What each valid item passes before it is gathered; null checks nothing.</param>
    /// <param name="maxReadAhead">Items held at most while the check waits; then the pipeline waits for the answer.</param>
    public ItemIntake(BatchEngine<TItem, TResult> engine, Func<ItemOutcome<TItem>, bool>? received, IItemCheck<TItem>? check, int maxReadAhead)
    {
        _engine = engine;
        _received = received;
        _check = check;
        _maxReadAhead = maxReadAhead;
    }

    /// <summary>Takes one item read (or its rejection), in input order.</summary>
    public void Take(ItemOutcome<TItem> read)
    {
        var held = _engine.ReadAhead;
        if (held.Count == 0 && (_check is null || read.Result is not { } item || !_check.MustWait(item, _engine.Log)))
        {
            Enter(read);
            return;
        }
        // A rejected item waits behind the held ones too: outcomes are written in input order. Items are held only
        // once the check said it must wait, so there is a check here.
        held.Hold(read);
        if (held.Count >= _maxReadAhead || !_check!.Waiting) Release();
    }

    /// <summary>Checks and gathers what is held, then sends what is gathered and writes every remaining outcome.</summary>
    public void Complete()
    {
        Release();
        _engine.Complete();
    }

    /// <summary>Waits for the check's answer, then checks and gathers every item held, in order.</summary>
    private void Release()
    {
        if (_engine.ReadAhead.Count == 0) return;
        // Waited for with nothing taken out: a Ctrl+C here leaves every held item for the stop to count.
        _check?.WaitForAnswer(_engine.Log);
        // Taken one at a time, so that a stop on the way (the engine's, which counts what is still held) counts each
        // item once: the one being entered is the engine's by then, or the stopping item itself.
        while (_engine.ReadAhead.TryTake(out var read)) Enter(read);
    }

    private void Enter(ItemOutcome<TItem> read)
    {
        // -Resume: an item the journal records as done is skipped (counted in the summary).
        if (_received is not null && !_received(read)) return;
        if (read.Failure is not null)
        {
            _engine.AddFailure(read.Failure);
        }
        else if (_check?.Check(read.Result!, _engine.Log) is { } stop)
        {
            throw _engine.StopBefore(stop);
        }
        else
        {
            _engine.Add(read.Result!);
        }
    }
}
