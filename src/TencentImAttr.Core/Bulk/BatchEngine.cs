using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Timing;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Bulk;

/// <summary>Tuning of a run.</summary>
internal sealed class EngineOptions
{
    /// <summary>Users per call (the API's limit is 100).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Calls in flight at once.</summary>
    public int ThrottleLimit { get; set; } = Connection.ImConnection.DefaultThrottleLimit;

    /// <summary>
    /// Items held at most (gathered, in flight, and finished but waiting behind an unfinished batch to be written in
    /// order) before the caller's thread waits. Bounding items rather than batches lets a batch in its backoff fall
    /// behind while the others go on: 40,000 items are four seconds at the quota's pace, longer than the retries of a
    /// failure that is not a rate limit take (<see cref="Retry.RetryPolicy.MaxPlainDelay"/>), and a few megabytes.
    /// </summary>
    public int MaxHeldItems { get; set; } = 40_000;

    /// <summary>Progress is silent until a run has lasted this long.</summary>
    public TimeSpan ProgressDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The shortest time between two progress reports.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>-Debug: the calls' wire trace is handed to a sink that takes it (<see cref="IWireTraceSink"/>).</summary>
    public bool TraceWire { get; set; }
}

/// <summary>
/// The pipeline engine. Items arrive one at a time on the caller's thread (ProcessRecord); they are gathered into
/// batches of at most <see cref="EngineOptions.BatchSize"/> distinct users, and up to
/// <see cref="EngineOptions.ThrottleLimit"/> batches are in flight at once. Outcomes are handed to the sink on the
/// caller's thread, in input order. Memory is bounded by <see cref="EngineOptions.MaxHeldItems"/>, never by the
/// input's length. Every item added gets exactly one outcome. A user given again while its batch is being
/// gathered is merged into that batch's entry for the user (sent once) and gets the same outcome; a user that comes
/// again while an earlier batch with that user is still out is sent only after that batch finished, so that two
/// calls for one user never race. A batch is offered for approval (ShouldProcess) as a whole just before it is sent;
/// the users of a declined batch get no outcome, as a declined ShouldProcess writes nothing. Under -Verify the
/// operation's call includes its settle delay and read-back (<see cref="VerifiedWrites{TItem,TResult,TReadItem,TState}"/>),
/// so a repeat of a user whose earlier write had an attempt of unknown outcome waits for that delay too.
/// </summary>
internal sealed class BatchEngine<TItem, TResult> : IDisposable
    where TItem : class
    where TResult : class
{
    private const int TickMs = 100;

    private readonly IBatchOperation<TItem, TResult> _operation;
    private readonly EngineOptions _options;
    private readonly IEngineSink<TResult> _sink;
    private readonly IClock _clock;
    private readonly CancellationTokenSource _cancel;
    // Cancelled when the run stops early: no new attempt starts, the calls on the wire finish (see RunStop).
    private readonly CancellationTokenSource _stopSending = new();
    private ItemFailure? _brokenConnection;
    private bool _stopping;
    private readonly SemaphoreSlim _callSlots;
    private readonly Queue<Slot> _slots = new();
    private readonly Dictionary<string, Task> _lastCallOfUser = new(StringComparer.Ordinal);
    private readonly QueuedCallLog _log;
    private readonly Func<IReadOnlyList<TItem>, bool> _approve;
    private readonly Dictionary<string, long> _failedByErrorId = new(StringComparer.Ordinal);
    private readonly TimeSpan _started;
    private Slot _gathering;
    private TimeSpan _lastProgress;
    private uint _progressLookedAt;
    private bool _progressShown;
    private long? _total;
    private long _received, _succeeded, _failed, _declined, _pendingItems, _peakPendingItems;
    // A stopped run's users past the stopping point (applied, outcome unknown, not sent), counted as its stop error
    // counts them, so that the summary and the error agree; and users done or failed after an attempt of unknown outcome.
    private long _heldApplied, _heldUnknown, _heldNotSent, _unknownAttempts;
    private bool _heldAccounted;
    private int _inFlight, _peakInFlight;

    /// <summary>
    /// Creates an engine; <paramref name="cancellationToken"/> is the cmdlet's StopProcessing; <paramref name="approve"/>
    /// is asked, on the caller's thread, whether a batch about to be sent may go (null sends all).
    /// </summary>
    public BatchEngine(IBatchOperation<TItem, TResult> operation, EngineOptions options, IEngineSink<TResult> sink, IClock? clock = null,
        Func<IReadOnlyList<TItem>, bool>? approve = null, CancellationToken cancellationToken = default)
    {
        _approve = approve ?? (_ => true);
        _operation = operation;
        _options = options;
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), "BatchSize must be at least 1.");
        if (options.ThrottleLimit < 1) throw new ArgumentOutOfRangeException(nameof(options), "ThrottleLimit must be at least 1.");
        if (options.MaxHeldItems < options.BatchSize) throw new ArgumentOutOfRangeException(nameof(options), "MaxHeldItems must be at least BatchSize.");
        _sink = sink;
        _clock = clock ?? SystemClock.Instance;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _callSlots = new SemaphoreSlim(options.ThrottleLimit, options.ThrottleLimit);
        _started = _clock.Elapsed;
        _log = new QueuedCallLog(options.TraceWire);
        _gathering = new Slot(options.BatchSize);
    }

    /// <summary>Items held now (gathered, in flight, or waiting to be emitted): the engine's memory.</summary>
    public long PendingItems => Interlocked.Read(ref _pendingItems);

    /// <summary>The most items held at any one time.</summary>
    public long PeakPendingItems => Interlocked.Read(ref _peakPendingItems);

    /// <summary>The most calls in flight at any one time.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>What the run's calls met: attempts, retries, rate-limit answers, pace adjustments and the lowest pace (the summary's source).</summary>
    public RunCounters Counters => _log.Counters;

    /// <summary>Adds to the number of users the run will be given, when the input says it ahead (an array): progress then shows a percentage.</summary>
    public void Expect(long users) => _total = (_total ?? 0) + users;

    /// <summary>What the run did so far: its summary for <paramref name="operation"/>.</summary>
    public BulkRunSummary Summary(string operation, bool stopped) =>
        new(operation, _received, _succeeded + _heldApplied, new Dictionary<string, long>(_failedByErrorId, StringComparer.Ordinal), _declined,
            Counters.Retries, Counters.PaceAdjustments, _clock.Elapsed - _started, stopped, Counters.ReadCalls, Counters.WriteCalls, Counters.Drifted)
        {
            // -Verify's counts, where the operation verifies (VerifiedWrites counts them through the call log).
            Verified = _operation is IVerifyingOperation ? Counters.Verified : null,
            Mismatched = _operation is IVerifyingOperation ? Counters.Mismatched : null,
            OutcomeUnknown = _heldUnknown,
            StoppedBeforeSending = _heldNotSent,
            UnknownAttempts = _unknownAttempts,
            HeldAccounted = _heldAccounted,
        };

    /// <summary>Adds a valid item; may send a batch, wait for room, and emit finished outcomes.</summary>
    public void Add(TItem item)
    {
        _received++;
        var user = _operation.UserIdOf(item);
        if (_gathering.IndexOfUser.TryGetValue(user, out var index))
        {
            _gathering.Entries[index] = new Entry(_operation.Merge(_gathering.Entries[index].Item!, item), null);
            _gathering.Entries.Add(Entry.SameAs(index));
            Hold(1);
            if (_gathering.Entries.Count >= 4 * _options.BatchSize)
            {
                Dispatch();
            }
        }
        else
        {
            _gathering.IndexOfUser.Add(user, _gathering.Entries.Count);
            _gathering.Entries.Add(new Entry(item, null));
            Hold(1);
            if (_gathering.IndexOfUser.Count >= _options.BatchSize)
            {
                Dispatch();
            }
        }
        Pump(block: false);
    }

    /// <summary>
    /// Stops the run at an item that must not be sent, nor anything after it (<paramref name="cause"/>: an attribute
    /// name the app does not register): one terminating exception that accounts, as a broken connection's does, for
    /// every user held, the calls already out let finish. The item counts as read and failed.
    /// </summary>
    public ImRunStoppedException StopBefore(ItemFailure cause)
    {
        _received++;
        var account = new RunAccount();
        account.Add(account.Failed, cause.TargetObject as string);
        // The summary counts the stopping item as the stop error's totals do (issue 22: the same counts in both).
        CountFailed(cause.ErrorId);
        // A failed read of what the check needs (the app's names) that says the connection is wrong is worded as such.
        var why = cause.Exception is ImApiException e && ResponseClassifier.IsConnectionLevel(e) ? StopCause.Connection : StopCause.Refused;
        return Stop(account, cause, cause.Exception, why);
    }

    /// <summary>The run's call log, for a call the caller makes on the pipeline thread (the app's names, read once): it is counted in the summary.</summary>
    public ICallLog Log => _log;

    /// <summary>Adds an item rejected before sending; it is emitted in its place in the input order.</summary>
    public void AddFailure(ItemFailure failure)
    {
        _received++;
        _gathering.Entries.Add(new Entry(null, failure));
        Hold(1);
        // A long run of bad input must not pile up behind a batch that is not yet full.
        if (_gathering.Entries.Count >= 4 * _options.BatchSize)
        {
            Dispatch();
        }
        Pump(block: false);
    }

    /// <summary>Sends what is gathered, waits for every call, and emits everything that is left.</summary>
    public void Complete()
    {
        if (_gathering.Entries.Count > 0)
        {
            Dispatch();
        }
        while (_slots.Count > 0)
        {
            Pump(block: true);
        }
        DrainLog();
        if (_progressShown)
        {
            _sink.OnProgress(Progress(completed: true));
        }
    }

    /// <summary>Cancels what is in flight, and disposes the operation when it holds resources (a sync's call slots).</summary>
    public void Dispose()
    {
        _cancel.Cancel();
        (_operation as IDisposable)?.Dispose();
        _cancel.Dispose();
        _stopSending.Dispose();
        _log.Dispose();
    }

    private void Hold(long count)
    {
        var now = Interlocked.Add(ref _pendingItems, count);
        if (now > _peakPendingItems) _peakPendingItems = now;
    }

    private void Dispatch()
    {
        var slot = _gathering;
        _gathering = new Slot(_options.BatchSize);
        var items = new List<TItem>(slot.IndexOfUser.Count);
        foreach (var entry in slot.Entries)
        {
            if (entry.Item is not null) items.Add(entry.Item);
        }
        // Back-pressure: no more than MaxHeldItems items held (even in slots of rejected items only), and no more than
        // ThrottleLimit calls out. The caller's thread waits here, emitting what finishes meanwhile.
        while (_slots.Count > 0 && Interlocked.Read(ref _pendingItems) > _options.MaxHeldItems)
        {
            Pump(block: true);
        }
        try
        {
            slot.Declined = items.Count > 0 && !_approve(items);
        }
        catch (RunRefusedException refused)
        {
            // The batch's question could not be asked (a removal in a host that cannot ask): it is held, not sent.
            _slots.Enqueue(slot);
            throw Stop(new RunAccount(), refused.Cause, refused.Cause.Exception, StopCause.Refused);
        }
        if (items.Count > 0 && !slot.Declined)
        {
            while (!_callSlots.Wait(TickMs, _cancel.Token))
            {
                Pump(block: false);
            }
            if (Volatile.Read(ref _brokenConnection) is not null)
            {
                _callSlots.Release();
                _slots.Enqueue(slot);
                throw StopOnBrokenConnection();
            }
            List<Task>? before = null;
            foreach (var user in slot.IndexOfUser.Keys)
            {
                if (_lastCallOfUser.TryGetValue(user, out var earlier) && !earlier.IsCompleted)
                {
                    (before ??= new List<Task>()).Add(earlier);
                }
            }
            var inFlight = Interlocked.Increment(ref _inFlight);
            if (inFlight > _peakInFlight) _peakInFlight = inFlight;
            var token = _cancel.Token;
            slot.Call = Task.Run(() => RunAsync(items, before, token), token);
            // The pipeline thread, waiting for the head of the queue, wakes when any call is over (not per user: per call).
            _ = slot.Call.ContinueWith(static (_, log) => ((QueuedCallLog)log!).Wake(), _log, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            foreach (var user in slot.IndexOfUser.Keys)
            {
                _lastCallOfUser[user] = slot.Call;
            }
        }
        _slots.Enqueue(slot);
    }

    private async Task<ItemOutcome<TResult>[]> RunAsync(List<TItem> items, List<Task>? before, CancellationToken token)
    {
        try
        {
            if (before is not null)
            {
                await Task.WhenAll(before).ConfigureAwait(false);
            }
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
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
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
            Interlocked.Decrement(ref _inFlight);
            _callSlots.Release();
        }
    }

    /// <summary>Whether a failure stops the run: its call's failure, or the one it wraps (a ReplacePartlyApplied's refused remove).</summary>
    private static bool ConnectionLevel(ItemFailure? failure) =>
        (failure?.Exception as ImApiException ?? failure?.Exception.InnerException as ImApiException) is { } e && ResponseClassifier.IsConnectionLevel(e);

    /// <summary>Emits the finished slots at the head of the queue; with <paramref name="block"/>, first waits for the head.</summary>
    private void Pump(bool block)
    {
        if (block && _slots.Count > 0)
        {
            var head = _slots.Peek().Call;
            while (head is not null)
            {
                // Reset before looking: a call that finishes or a question that comes after this wakes the wait below.
                _log.ResetWork();
                if (head.IsCompleted) break;
                DrainLog();
                ReportProgress();
                _log.WaitForWork(TimeSpan.FromMilliseconds(TickMs), _cancel.Token);
            }
        }
        // A call's lines are queued before its task completes: writing them first puts them before its results, so a
        // downstream Select-Object -First that stops the pipeline does not lose them. Drained again before each slot
        // (issue 21): a call that completes while the slots before it are emitted has its lines queued after the
        // drain above, and without this its results went out before them.
        DrainLog();
        while (_slots.Count > 0 && (_slots.Peek().Call is null || _slots.Peek().Call!.IsCompleted))
        {
            if (Volatile.Read(ref _brokenConnection) is not null) throw StopOnBrokenConnection();
            DrainLog();
            Emit(_slots.Dequeue());
        }
        if (Volatile.Read(ref _brokenConnection) is not null) throw StopOnBrokenConnection();
        DrainLog();
        ReportProgress();
    }

    private void Emit(Slot slot)
    {
        ItemOutcome<TResult>[]? outcomes = null;
        if (slot.Call is not null)
        {
            if (slot.Call.IsCanceled || (slot.Call.IsFaulted && _cancel.IsCancellationRequested))
            {
                throw new OperationCanceledException(_cancel.Token);
            }
            outcomes = slot.Call.GetAwaiter().GetResult();
            foreach (var user in slot.IndexOfUser.Keys)
            {
                if (_lastCallOfUser.TryGetValue(user, out var last) && ReferenceEquals(last, slot.Call))
                {
                    _lastCallOfUser.Remove(user);
                }
            }
        }
        // The outcomes come in the order of the items sent; a repeated user's entry points at its first entry's.
        var byEntry = new ItemOutcome<TResult>[slot.Entries.Count];
        var next = 0;
        for (var i = 0; i < slot.Entries.Count; i++)
        {
            if (slot.Entries[i].Item is not null && !slot.Declined) byEntry[i] = outcomes![next++];
        }
        for (var i = 0; i < slot.Entries.Count; i++)
        {
            try
            {
                EmitEntry(slot, byEntry, i);
            }
            catch (DownstreamStopException stop)
            {
                // The command's output is no longer taken (a downstream Select-Object -First): this entry is counted,
                // the rest of the slot and every user held are accounted for as -ErrorAction Stop accounts for them,
                // the calls already out let finish; then PowerShell's own stop goes on up.
                var account = new RunAccount();
                CountRestOfSlot(account, slot, byEntry, i);
                Settle(account);
                ExceptionDispatchInfo.Capture(stop.InnerException ?? stop).Throw();
            }
        }
    }

    /// <summary>Writes one entry's outcome and counts it (before its write, so that a downstream stop finds it counted).</summary>
    private void EmitEntry(Slot slot, ItemOutcome<TResult>[] byEntry, int i)
    {
        var entry = slot.Entries[i];
        Hold(-1);
        if (slot.Declined && entry.Failure is null)
        {
            _declined++;
            return;
        }
        var failure = entry.Failure;
        TResult? result = null;
        var declined = false;
        if (failure is null)
        {
            var outcome = byEntry[entry.SameAsEntry >= 0 ? entry.SameAsEntry : i];
            failure = outcome.Failure;
            result = outcome.Result;
            declined = outcome.Declined;
            // Without -Verify nothing read such a user back: a stale call may still land over what it holds.
            if (outcome.HadUnknownAttempt && !declined && _operation is not IVerifyingOperation) _unknownAttempts++;
        }
        if (declined)
        {
            // Declined at a question asked after sending began (a sync's write): not sent; what it would have
            // done (the drift) is still the sink's to show.
            _declined++;
            if (result is not null) _sink.OnResult(result);
        }
        else if (failure is not null)
        {
            try
            {
                _sink.OnFailure(failure);
                // A failure that still changed something (ReplacePartlyApplied: its set landed) writes what did.
                if (result is not null) _sink.OnResult(result);
            }
            catch (StopRequestedException stop)
            {
                // The caller's -ErrorAction Stop: this item is the stopping point (the summary counts its
                // failure; StoppedAt is its position), the rest of the slot is held.
                CountFailed(failure.ErrorId);
                var account = new RunAccount();
                account.Add(account.Failed, UserOf(entry, failure));
                CountRestOfSlot(account, slot, byEntry, i);
                throw Stop(account, failure, stop.InnerException ?? stop, StopCause.Caller);
            }
            catch (DownstreamStopException)
            {
                // Its error was written; only the result of what still changed was refused.
                _failed++;
                CountFailed(failure.ErrorId);
                throw;
            }
            _failed++;
            CountFailed(failure.ErrorId);
        }
        else
        {
            _succeeded++;
            _sink.OnResult(result!);
        }
    }

    /// <summary>A stop at entry <paramref name="at"/> of a slot being emitted: the entries after it are held, and counted with their call's outcomes.</summary>
    private void CountRestOfSlot(RunAccount account, Slot slot, ItemOutcome<TResult>[] byEntry, int at)
    {
        for (var k = at + 1; k < slot.Entries.Count; k++)
        {
            Hold(-1);
            var later = slot.Entries[k];
            Count(account, later, later.Failure ?? FailureOf(byEntry[later.SameAsEntry >= 0 ? later.SameAsEntry : k], later, slot.Entries), slot.Entries);
        }
    }

    /// <summary>The run stops on a connection-level failure: one terminating exception, after the calls on the wire finished.</summary>
    private ImRunStoppedException StopOnBrokenConnection()
    {
        var cause = Volatile.Read(ref _brokenConnection)!;
        return Stop(new RunAccount(), cause, cause.Exception, StopCause.Connection);
    }

    /// <summary>
    /// Stops sending at once, lets the calls already out finish (they may be applied: cancelling would not undo them),
    /// and accounts for every user still held: applied, failed, outcome unknown, not sent.
    /// </summary>
    private ImRunStoppedException Stop(RunAccount account, ItemFailure cause, Exception inner, StopCause why)
    {
        var stoppedAt = _succeeded + _failed;
        Settle(account);
        var failed = 0L;
        foreach (var count in _failedByErrorId.Values) failed += count;
        var totals = new RunTotals(_succeeded + _heldApplied, failed, _heldUnknown, _heldNotSent, _declined);
        return RunStop.Exception(cause, inner, why, stoppedAt, _succeeded, _received, account, totals);
    }

    /// <summary>
    /// Stops sending at once, waits for the calls already out, and counts every user still held into
    /// <paramref name="account"/> and the summary's held counts (one home for a stop's accounting, whatever stopped it).
    /// </summary>
    private void Settle(RunAccount account)
    {
        _stopping = true;
        _stopSending.Cancel();
        _heldAccounted = true;
        while (_slots.Count > 0)
        {
            var slot = _slots.Dequeue();
            ItemOutcome<TResult>[]? outcomes = null;
            if (slot.Call is not null)
            {
                try
                {
                    slot.Call.Wait(_cancel.Token);
                }
                catch (AggregateException)
                {
                    // Observed below: a cancelled call is counted as not sent.
                }
                outcomes = slot.Call.Status == TaskStatus.RanToCompletion ? slot.Call.Result : null;
            }
            var next = 0;
            var byEntry = new ItemOutcome<TResult>?[slot.Entries.Count];
            for (var i = 0; i < slot.Entries.Count; i++)
            {
                if (slot.Entries[i].Item is not null) byEntry[i] = outcomes?[next++];
            }
            for (var i = 0; i < slot.Entries.Count; i++)
            {
                Hold(-1);
                var entry = slot.Entries[i];
                var outcome = byEntry[entry.SameAsEntry >= 0 ? entry.SameAsEntry : i];
                var failure = entry.Failure ?? (outcome is { } o ? FailureOf(o, entry, slot.Entries) : ItemFailure.Unsent(UserOf(entry, null, slot.Entries) ?? "", false));
                Count(account, entry, failure, slot.Entries);
            }
        }
        foreach (var entry in _gathering.Entries)
        {
            Hold(-1);
            // A repeat of a user (no item of its own) was not sent either.
            Count(account, entry, entry.Failure ?? ItemFailure.Unsent(UserOf(entry, null, _gathering.Entries) ?? "", false), _gathering.Entries);
        }
        _gathering = new Slot(_options.BatchSize);
        DrainLog();
    }

    /// <summary>Counts one failed user under its error id, where the summary and a stop's totals read failures.</summary>
    private void CountFailed(string errorId) =>
        _failedByErrorId[errorId] = _failedByErrorId.TryGetValue(errorId, out var count) ? count + 1 : 1;

    /// <summary>An outcome's failure for a stopped run's accounting: a declined write was not sent.</summary>
    private ItemFailure? FailureOf(ItemOutcome<TResult> outcome, Entry entry, List<Entry> entries) =>
        outcome.Declined ? ItemFailure.Unsent(UserOf(entry, null, entries) ?? "", false) : outcome.Failure;

    /// <summary>Puts one held entry in its list: success is applied, a failure failed, unknown or not sent.</summary>
    private void Count(RunAccount account, Entry entry, ItemFailure? failure, List<Entry>? entries = null)
    {
        var user = UserOf(entry, failure, entries);
        // The summary counts every entry, as it counts the users written before the stop; the lists hold each user once.
        if (failure is null)
        {
            account.Add(account.Applied, user);
            _heldApplied++;
        }
        else if (failure.OutcomeUnknown)
        {
            account.Add(account.OutcomeUnknown, user);
            _heldUnknown++;
        }
        else if (failure.NotSent)
        {
            account.Add(account.NotSent, user);
            _heldNotSent++;
        }
        else
        {
            account.Add(account.Failed, user);
            CountFailed(failure.ErrorId);
        }
    }

    private string? UserOf(Entry entry, ItemFailure? failure, List<Entry>? entries = null)
    {
        if (entry.Item is not null) return _operation.UserIdOf(entry.Item);
        if (entry.SameAsEntry >= 0 && entries is not null && entries[entry.SameAsEntry].Item is { } first) return _operation.UserIdOf(first);
        return (failure ?? entry.Failure)?.TargetObject as string;
    }

    private void DrainLog()
    {
        // Called after every item: TryTake allocates nothing when no line is waiting (Drain's iterator would).
        WriteLines();
        // A sync's questions (its write calls' ShouldProcess), then the lines they wrote.
        try
        {
            _log.AnswerQuestions();
        }
        catch (RunRefusedException refused) when (!_stopping)
        {
            // A write's question could not be asked: the run stops there, every user accounted for.
            throw Stop(new RunAccount(), refused.Cause, refused.Cause.Exception, StopCause.Refused);
        }
        catch (RunRefusedException)
        {
            // Already stopping: the first refusal is the one reported.
        }
        WriteLines();
    }

    private void WriteLines()
    {
        while (_log.TryTake(out var line))
        {
            if (!line.Debug) _sink.OnVerbose(line.Text);
            else (_sink as IWireTraceSink)?.OnDebug(line.Text);
        }
    }

    private void ReportProgress()
    {
        // Called once per item: a coarse tick first (a few ns); the precise clock (a Stopwatch read, about ten times
        // that) only when a millisecond has passed since the last look (issue 25). Without an interval every look
        // reports, so the gate would only hide reports (a clock that stands still, in tests, would show none).
        if (_options.ProgressInterval > TimeSpan.Zero)
        {
            var coarse = _clock.CoarseMilliseconds;
            if (coarse == _progressLookedAt) return;
            _progressLookedAt = coarse;
        }
        var now = _clock.Elapsed;
        if (now - _started < _options.ProgressDelay || now - _lastProgress < _options.ProgressInterval)
        {
            return;
        }
        _lastProgress = now;
        _progressShown = true;
        _sink.OnProgress(Progress(completed: false));
    }

    private ProgressReport Progress(bool completed) =>
        new(_succeeded, _failed, _received, _clock.Elapsed - _started, completed, _total, Counters.BackingOff, Counters.Retries, Counters.LastRetry);

    private readonly struct Entry
    {
        public Entry(TItem? item, ItemFailure? failure, int sameAsEntry = -1)
        {
            Item = item;
            Failure = failure;
            SameAsEntry = sameAsEntry;
        }

        /// <summary>The item to send; null for a rejected item or a repeat.</summary>
        public TItem? Item { get; }

        /// <summary>Why the item was rejected before sending.</summary>
        public ItemFailure? Failure { get; }

        /// <summary>For a repeated user, the index of the entry that carries it; else -1.</summary>
        public int SameAsEntry { get; }

        public static Entry SameAs(int index) => new(null, null, index);
    }

    private sealed class Slot
    {
        // Sized for a full batch from the start: growing them by doubling, slot after slot, was a good part of
        // the engine's garbage per user (issue 18). A slot holds at least a batch's users unless the input ends.
        public Slot(int batchSize)
        {
            Entries = new List<Entry>(batchSize);
            IndexOfUser = new Dictionary<string, int>(batchSize, StringComparer.Ordinal);
        }

        public List<Entry> Entries { get; }
        public Dictionary<string, int> IndexOfUser { get; }
        public Task<ItemOutcome<TResult>[]>? Call { get; set; }

        /// <summary>The batch was not approved: its users are not sent and get no outcome.</summary>
        public bool Declined { get; set; }
    }
}
