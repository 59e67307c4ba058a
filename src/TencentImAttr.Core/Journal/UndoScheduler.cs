using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Journal;

/// <summary>Where an undo's results go, always on the thread that runs the <see cref="UndoScheduler"/> (the pipeline thread).</summary>
internal interface IUndoSink
{
    /// <summary>A batch is done: its steps and failures, in the order the batches were formed.</summary>
    void OnBatch(UndoBatch batch);

    /// <summary>The calls' log may hold lines: write them.</summary>
    void OnLog();
}

/// <summary>
/// Undo-ImRun at the speed of the quota: the journal's items, read backwards (<see cref="JournalBackwardReader"/>), go
/// in batches of at most <see cref="RunUndo.BatchSize"/> users, several batches in flight at once (reads on the get
/// APIs' quota and restores on the set APIs', side by side), while the calling thread reads the journal and hands
/// finished batches to the sink in the order they were formed. A batch holds each user once: a user met again closes
/// the batch being filled; a user still in a batch in flight makes the batch it joins wait until that batch has
/// finished (its read and its restore), so that a user's records are undone latest first, each against what the
/// previous undo left. Memory: the batches in flight and the users they hold, never the journal's users.
/// A connection-level failure (or any failure of a batch) stops everything: the batches in flight are cancelled and
/// the first failure is thrown, once.
/// </summary>
internal sealed class UndoScheduler
{
    private readonly RunUndo _undo;
    private readonly bool _apply;
    private readonly int _inFlightLimit;
    private Exception? _failure;

    /// <summary>Undoes with <paramref name="undo"/> (<paramref name="apply"/>: restore; otherwise only plan), at most <paramref name="inFlightLimit"/> batches in flight.</summary>
    public UndoScheduler(RunUndo undo, bool apply, int inFlightLimit)
    {
        _undo = undo;
        _apply = apply;
        _inFlightLimit = Math.Max(1, inFlightLimit);
    }

    /// <summary>The most batches that were in flight at once.</summary>
    public int PeakInFlight { get; private set; }

    private sealed class Flight
    {
        public Flight(RunJournalRecord[] items) => Items = items;

        public RunJournalRecord[] Items { get; }

        public Task<UndoBatch> Task { get; set; } = null!;
    }

    /// <summary>
    /// Undoes <paramref name="entries"/> (headers, checked with <see cref="RunUndo.Check(RunJournalHeader)"/>, and records, latest
    /// first), on the calling thread; <paramref name="cancellationToken"/> (Ctrl+C) stops it.
    /// </summary>
    public void Run(IEnumerable<object> entries, QueuedCallLog log, IUndoSink sink, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new Queue<Flight>();
        // The batch in flight that holds a user last: a record of that user waits for it.
        var holder = new Dictionary<string, Flight>(StringComparer.Ordinal);
        var filling = new List<RunJournalRecord>(RunUndo.BatchSize);
        var fillingUsers = new HashSet<string>(StringComparer.Ordinal);
        var waitsFor = new List<Flight>();
        try
        {
            foreach (var entry in entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                DrainFinished(inFlight, holder, sink);
                if (entry is RunJournalHeader header)
                {
                    _undo.Check(header);
                    continue;
                }
                var item = (RunJournalRecord)entry;
                if (!UndoPlan.MayHaveChanged(item)) continue;
                if (item.AppAttributeNames is not null)
                {
                    // The app's names stand alone: everything before them is finished first, and they are restored alone.
                    Dispatch();
                    while (inFlight.Count > 0) DrainOldest(inFlight, holder, log, sink, cancellationToken);
                    var names = new Flight(new[] { item });
                    names.Task = AppNamesAsync(item, log, stop);
                    WakeWhenDone(names.Task, log);
                    inFlight.Enqueue(names);
                    DrainOldest(inFlight, holder, log, sink, cancellationToken);
                    continue;
                }
                if (item.UserId is not { } user) continue;
                if (fillingUsers.Contains(user)) Dispatch();
                if (holder.TryGetValue(user, out var busy) && !waitsFor.Contains(busy)) waitsFor.Add(busy);
                filling.Add(item);
                fillingUsers.Add(user);
                if (filling.Count == RunUndo.BatchSize) Dispatch();
            }
            Dispatch();
            while (inFlight.Count > 0) DrainOldest(inFlight, holder, log, sink, cancellationToken);
        }
        finally
        {
            if (inFlight.Count > 0)
            {
                // Stopped (Ctrl+C, a failure, an invalid line): the batches in flight are cancelled and awaited, so that
                // nothing is sent after the command returns.
                stop.Cancel();
                foreach (var flight in inFlight) flight.Task.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Wait(CancellationToken.None);
            }
        }

        void Dispatch()
        {
            if (filling.Count == 0) return;
            while (inFlight.Count >= _inFlightLimit) DrainOldest(inFlight, holder, log, sink, cancellationToken);
            var flight = new Flight(filling.ToArray());
            var after = waitsFor.Select(f => (Task)f.Task).ToArray();
            flight.Task = BatchAsync(flight.Items, after, log, stop);
            WakeWhenDone(flight.Task, log);
            foreach (var user in fillingUsers) holder[user] = flight;
            inFlight.Enqueue(flight);
            PeakInFlight = Math.Max(PeakInFlight, inFlight.Count);
            filling.Clear();
            fillingUsers.Clear();
            waitsFor.Clear();
        }
    }

    private async Task<UndoBatch> BatchAsync(RunJournalRecord[] items, Task[] after, QueuedCallLog log, CancellationTokenSource stop)
    {
        try
        {
            if (after.Length > 0) await Task.WhenAll(after).ConfigureAwait(false);
            return await _undo.UndoAsync(items, _apply, log, stop.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Fail(e, stop);
            throw;
        }
    }

    private async Task<UndoBatch> AppNamesAsync(RunJournalRecord item, QueuedCallLog log, CancellationTokenSource stop)
    {
        try
        {
            var batch = new UndoBatch();
            batch.Steps.Add(await _undo.UndoAppNamesAsync(item, _apply, log, stop.Token).ConfigureAwait(false));
            return batch;
        }
        catch (Exception e)
        {
            Fail(e, stop);
            throw;
        }
    }

    /// <summary>Wakes the calling thread once <paramref name="task"/> is done (not before: it looks at the task when woken).</summary>
    private static void WakeWhenDone(Task task, QueuedCallLog log) =>
        _ = task.ContinueWith(_ => log.Wake(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>The first failure stops the rest: what is in flight is cancelled, and nothing more is sent.</summary>
    private void Fail(Exception e, CancellationTokenSource stop)
    {
        if (e is OperationCanceledException && stop.IsCancellationRequested) return;
        if (Interlocked.CompareExchange(ref _failure, e, null) is null)
        {
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run is over.
            }
        }
    }

    /// <summary>Hands the finished batches at the head of the queue to the sink, without waiting (called for every journal line: nothing to do costs nothing).</summary>
    private void DrainFinished(Queue<Flight> inFlight, Dictionary<string, Flight> holder, IUndoSink sink)
    {
        if (inFlight.Count == 0 || !inFlight.Peek().Task.IsCompleted) return;
        while (inFlight.Count > 0 && inFlight.Peek().Task.IsCompleted) Finish(inFlight, holder, sink);
        sink.OnLog();
    }

    /// <summary>Waits for the oldest batch in flight, writing the log meanwhile, and hands it to the sink.</summary>
    private void DrainOldest(Queue<Flight> inFlight, Dictionary<string, Flight> holder, QueuedCallLog log, IUndoSink sink, CancellationToken cancellationToken)
    {
        var oldest = inFlight.Peek().Task;
        while (!oldest.IsCompleted)
        {
            log.ResetWork();
            if (oldest.IsCompleted) break;
            sink.OnLog();
            // A batch wakes the log once it is done; the timeout lets the log's lines out during a long wait (the settle delay).
            log.WaitForWork(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
        Finish(inFlight, holder, sink);
        sink.OnLog();
    }

    private void Finish(Queue<Flight> inFlight, Dictionary<string, Flight> holder, IUndoSink sink)
    {
        var flight = inFlight.Dequeue();
        foreach (var item in flight.Items)
        {
            if (item.UserId is { } user && holder.TryGetValue(user, out var held) && held == flight) holder.Remove(user);
        }
        if (flight.Task.Status != TaskStatus.RanToCompletion)
        {
            // The first failure is the one to report: a batch cancelled because of it says less.
            if (_failure is { } first) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            flight.Task.GetAwaiter().GetResult();
        }
        sink.OnBatch(flight.Task.Result);
    }
}
