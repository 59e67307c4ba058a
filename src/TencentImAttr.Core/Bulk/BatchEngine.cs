using System;
using System.Collections.Generic;
using System.Threading;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Timing;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// The pipeline engine, a thin coordinator of its parts. Items arrive one at a time on the caller's thread
/// (ProcessRecord): <see cref="BatchGatherer{TItem,TResult}"/> gathers them into batches of at most
/// <see cref="EngineOptions.BatchSize"/> distinct users (<see cref="RepeatMerger{TItem,TResult}"/> merges a user
/// given again into its place: sent once, the same outcome); <see cref="BackPressure"/> makes the caller wait while
/// <see cref="EngineOptions.MaxHeldItems"/> items are held or <see cref="EngineOptions.ThrottleLimit"/> calls are in
/// flight, so memory never grows with the input; <see cref="BatchApproval{TItem}"/> asks about each batch
/// (ShouldProcess) as a whole just before it is sent (a declined batch's users get no outcome, as a declined
/// ShouldProcess writes nothing); <see cref="BatchSender{TItem,TResult}"/> sends it on a task;
/// <see cref="InputOrder{TItem,TResult}"/> keeps the batches in input order and a user's calls one after the other
/// (two calls for one user never race); <see cref="PipelineWriter{TItem,TResult}"/> hands outcomes, log lines and
/// progress to the sink on the caller's thread; <see cref="StopAccounting{TItem,TResult}"/> accounts for every user
/// held when the run stops early. Every item added gets exactly one outcome. Under -Verify the operation's call
/// includes its settle delay and read-back (<see cref="VerifiedWrites{TItem,TResult,TReadItem,TState}"/>), so a repeat
/// of a user whose earlier write had an attempt of unknown outcome waits for that delay too.
/// </summary>
internal sealed class BatchEngine<TItem, TResult> : IDisposable
    where TItem : class
    where TResult : class
{
    private const int TickMs = 100;

    private readonly IBatchOperation<TItem, TResult> _operation;
    private readonly IClock _clock;
    private readonly CancellationTokenSource _cancel;
    private readonly QueuedCallLog _log;
    private readonly RunTally _tally = new();
    private readonly BackPressure _backPressure;
    private readonly BatchGatherer<TItem, TResult> _gatherer;
    private readonly InputOrder<TItem, TResult> _order = new();
    private readonly BatchApproval<TItem> _approval;
    private readonly BatchSender<TItem, TResult> _sender;
    private readonly PipelineWriter<TItem, TResult> _writer;
    private readonly StopAccounting<TItem, TResult> _stops;
    private bool _stopping;
    // The users of a batch whose writing Ctrl+C cut short, counted there (PipelineWriter), for Interrupted.
    private readonly RunAccount _ctrlCAccount = new();

    /// <summary>
    /// Creates an engine; <paramref name="cancellationToken"/> is the cmdlet's StopProcessing; <paramref name="approve"/>
    /// is asked, on the caller's thread, whether a batch about to be sent may go (null sends all).
    /// </summary>
    public BatchEngine(IBatchOperation<TItem, TResult> operation, EngineOptions options, IEngineSink<TResult> sink, IClock? clock = null,
        Func<IReadOnlyList<TItem>, bool>? approve = null, CancellationToken cancellationToken = default)
    {
        _operation = operation;
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), "BatchSize must be at least 1.");
        if (options.ThrottleLimit < 1) throw new ArgumentOutOfRangeException(nameof(options), "ThrottleLimit must be at least 1.");
        if (options.MaxHeldItems < options.BatchSize) throw new ArgumentOutOfRangeException(nameof(options), "MaxHeldItems must be at least BatchSize.");
        _clock = clock ?? SystemClock.Instance;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _backPressure = new BackPressure(options, new SemaphoreSlim(options.ThrottleLimit, options.ThrottleLimit));
        _log = new QueuedCallLog(options.TraceWire);
        _approval = new BatchApproval<TItem>(approve, _log);
        _gatherer = new BatchGatherer<TItem, TResult>(options.BatchSize, new RepeatMerger<TItem, TResult>(operation));
        _sender = new BatchSender<TItem, TResult>(operation, _log, _backPressure);
        _stops = new StopAccounting<TItem, TResult>(operation, _tally, _backPressure);
        _writer = new PipelineWriter<TItem, TResult>(this, operation, sink, _log, _tally, _backPressure, _stops, options, _clock);
    }

    /// <summary>Items held now (gathered, in flight, or waiting to be written): the engine's memory.</summary>
    public long PendingItems => _backPressure.HeldItems;

    /// <summary>The most items held at any one time.</summary>
    public long PeakPendingItems => _backPressure.PeakHeldItems;

    /// <summary>The most calls in flight at any one time.</summary>
    public int PeakInFlight => _backPressure.PeakInFlight;

    /// <summary>What the run's calls met: attempts, retries, rate-limit answers, pace adjustments and the lowest pace (the summary's source).</summary>
    public RunCounters Counters => _log.Counters;

    /// <summary>Adds to the number of users the run will be given, when the input says it ahead (an array): progress then shows a percentage.</summary>
    public void Expect(long users) => _writer.Expect(users);

    /// <summary>What the run did so far: its summary for <paramref name="operation"/>.</summary>
    public BulkRunSummary Summary(string operation, bool stopped) =>
        new(operation, _tally.Received, _tally.Succeeded + _tally.HeldApplied, new Dictionary<string, long>(_tally.FailedByErrorId, StringComparer.Ordinal), _tally.Declined,
            Counters.Retries, Counters.PaceAdjustments, _clock.Elapsed - _writer.Started, stopped, Counters.ReadCalls, Counters.WriteCalls, Counters.Drifted)
        {
            // -Verify's counts, where the operation verifies (VerifiedWrites counts them through the call log).
            Verified = _operation is IVerifyingOperation ? Counters.Verified : null,
            Mismatched = _operation is IVerifyingOperation ? Counters.Mismatched : null,
            OutcomeUnknown = _tally.HeldUnknown,
            StoppedBeforeSending = _tally.HeldNotSent,
            UnknownAttempts = _tally.UnknownAttempts,
            HeldAccounted = _tally.HeldAccounted,
        };

    /// <summary>Adds a valid item; may send a batch, wait for room, and write finished outcomes.</summary>
    public void Add(TItem item)
    {
        _tally.Received++;
        var ready = _gatherer.Add(item, _operation.UserIdOf(item));
        _backPressure.Hold(1);
        if (ready)
        {
            Dispatch();
        }
        Pump(block: false);
    }

    /// <summary>
    /// Stops the run at an item that must not be sent, nor anything after it (<paramref name="cause"/>: an attribute
    /// name the app does not register): one terminating exception that accounts, as a broken connection's does, for
    /// every user held, the calls already in flight let finish. The item counts as read and failed.
    /// </summary>
    public ImRunStoppedException StopBefore(ItemFailure cause)
    {
        _tally.Received++;
        var account = new RunAccount();
        account.Add(account.Failed, cause.TargetObject as string);
        // The summary counts the stopping item as the stop error's totals do (issue 22: the same counts in both).
        _tally.CountFailed(cause.ErrorId);
        // A failed read of what the check needs (the app's names) that says the connection is wrong is worded as such.
        var why = cause.Exception is ImApiException e && ResponseClassifier.IsConnectionLevel(e) ? StopCause.Connection : StopCause.Refused;
        return Stop(account, cause, cause.Exception, why);
    }

    /// <summary>The run's call log, for a call the caller makes on the pipeline thread (the app's names, read once): it is counted in the summary.</summary>
    public ICallLog Log => _log;

    /// <summary>Adds an item rejected before sending; it is written in its place in the input order.</summary>
    public void AddFailure(ItemFailure failure)
    {
        _tally.Received++;
        var ready = _gatherer.AddRejected(failure);
        _backPressure.Hold(1);
        if (ready)
        {
            Dispatch();
        }
        Pump(block: false);
    }

    /// <summary>Sends what is gathered, waits for every call, and writes everything that is left.</summary>
    public void Complete()
    {
        if (_gatherer.Batch.Places.Count > 0)
        {
            Dispatch();
        }
        while (_order.Count > 0)
        {
            Pump(block: true);
        }
        DrainLog();
        _writer.CompleteProgress();
    }

    /// <summary>Cancels what is in flight, and disposes the operation when it holds resources (a sync's calls in flight).</summary>
    public void Dispose()
    {
        _cancel.Cancel();
        (_operation as IDisposable)?.Dispose();
        _cancel.Dispose();
        _sender.Dispose();
        _log.Dispose();
    }

    /// <summary>
    /// Stops sending at once, lets the calls already in flight finish (they may be applied: cancelling would not undo them),
    /// and accounts for every user still held: applied, failed, outcome unknown, not sent.
    /// </summary>
    internal ImRunStoppedException Stop(RunAccount account, ItemFailure cause, Exception inner, StopCause why)
    {
        var stoppedAt = _tally.Succeeded + _tally.Failed;
        WindDown(account);
        return _stops.Exception(account, cause, inner, why, stoppedAt);
    }

    /// <summary>
    /// The run was stopped by Ctrl+C (the token given to the engine): the calls in flight were cancelled. Counts every
    /// user still held, as any stop does (a cancelled call's users are not sent, or of unknown outcome when its request
    /// may have gone out), and gives the stop's exception, for the summary's StopError; nothing is written (PowerShell
    /// takes no write from a stopping pipeline). Once only: null when the run's held users were already counted.
    /// </summary>
    public ImRunStoppedException? Interrupted()
    {
        if (_tally.HeldAccounted) return null;
        var stoppedAt = _tally.Succeeded + _tally.Failed;
        var account = _ctrlCAccount;
        _stopping = true;
        _cancel.Cancel();
        _sender.StopSending();
        _stops.CountHeld(account, _order, _gatherer.Batch, _cancel.Token, interrupted: true);
        _gatherer.Take();
        var cause = new ItemFailure(new OperationCanceledException("The command was stopped (Ctrl+C)."), ErrorIds.NotSent, ImErrorCategory.OperationStopped, null);
        return _stops.Exception(account, cause, cause.Exception, StopCause.Interrupted, stoppedAt);
    }

    /// <summary>Whether the run was stopped by Ctrl+C (the caller's token): the pipeline takes no more writes.</summary>
    internal bool CtrlC => _cancel.IsCancellationRequested;

    /// <summary>Where the writer counts the rest of a batch whose writing Ctrl+C cut short.</summary>
    internal RunAccount CtrlCAccount => _ctrlCAccount;

    /// <summary>
    /// Stops sending at once, waits for the calls already in flight, and counts every user still held into
    /// <paramref name="account"/> and the summary's held counts (one home for a stop's accounting, whatever stopped it).
    /// </summary>
    internal void WindDown(RunAccount account)
    {
        _stopping = true;
        _sender.StopSending();
        _stops.CountHeld(account, _order, _gatherer.Batch, _cancel.Token);
        _gatherer.Take();
        DrainLog();
    }

    private void Dispatch()
    {
        var batch = _gatherer.Take();
        try
        {
            Dispatch(batch);
        }
        catch (Exception) when (_cancel.IsCancellationRequested && !_order.Holds(batch))
        {
            // Ctrl+C while the batch waited for room, its question or its call: it is held, for the stop to count.
            _order.Enqueue(batch);
            throw;
        }
    }

    private void Dispatch(Batch<TItem, TResult> batch)
    {
        var items = batch.Items();
        // Back-pressure: no more than MaxHeldItems items held (even in batches of rejected items only), and no more than
        // ThrottleLimit calls in flight. The caller's thread waits here, writing what finishes meanwhile.
        while (_order.Count > 0 && _backPressure.TooManyHeld)
        {
            Pump(block: true);
        }
        try
        {
            batch.Declined = _approval.Declines(items);
        }
        catch (RunRefusedException refused)
        {
            // The batch's question could not be asked (a removal in a host that cannot ask): it is held, not sent.
            _order.Enqueue(batch);
            throw Stop(new RunAccount(), refused.Cause, refused.Cause.Exception, StopCause.Refused);
        }
        if (items.Count > 0 && !batch.Declined)
        {
            while (!_backPressure.TryReserveCall(TickMs, _cancel.Token))
            {
                Pump(block: false);
            }
            if (_sender.BrokenConnection is not null)
            {
                _backPressure.ReleaseReservedCall();
                _order.Enqueue(batch);
                throw StopOnBrokenConnection();
            }
            batch.Call = _sender.Start(items, _order.EarlierCallsOf(batch), _cancel.Token);
            _order.NoteCall(batch);
        }
        _order.Enqueue(batch);
    }

    /// <summary>Writes the finished batches at the head of the queue; with <paramref name="block"/>, first waits for the head.</summary>
    private void Pump(bool block)
    {
        if (block && _order.Count > 0)
        {
            var head = _order.Head.Call;
            while (head is not null)
            {
                // Reset before looking: a call that finishes or a question that comes after this wakes the wait below.
                _log.ResetWork();
                if (head.IsCompleted) break;
                DrainLog();
                _writer.ReportProgress();
                _log.WaitForWork(TimeSpan.FromMilliseconds(TickMs), _cancel.Token);
            }
        }
        // A call's lines are queued before its task completes: writing them first puts them before its results, so a
        // downstream Select-Object -First that stops the pipeline does not lose them. Drained again before each batch
        // (issue 21): a call that completes while the batches before it are written has its lines queued after the
        // drain above, and without this its results went out before them.
        DrainLog();
        while (_order.HeadFinished)
        {
            if (_sender.BrokenConnection is not null) throw StopOnBrokenConnection();
            // Ctrl+C: the finished batches stay held, for the stop to count (Interrupted).
            _cancel.Token.ThrowIfCancellationRequested();
            DrainLog();
            Write(_order.Dequeue());
        }
        if (_sender.BrokenConnection is not null) throw StopOnBrokenConnection();
        DrainLog();
        _writer.ReportProgress();
    }

    private void Write(Batch<TItem, TResult> batch)
    {
        ItemOutcome<TResult>[]? outcomes = null;
        if (batch.Call is not null)
        {
            if (batch.Call.IsCanceled || (batch.Call.IsFaulted && _cancel.IsCancellationRequested))
            {
                throw new OperationCanceledException(_cancel.Token);
            }
            outcomes = batch.Call.GetAwaiter().GetResult();
            _order.ForgetCall(batch);
        }
        _writer.Write(batch, outcomes);
    }

    /// <summary>The run stops on a connection-level failure: one terminating exception, after the calls on the wire finished.</summary>
    private ImRunStoppedException StopOnBrokenConnection()
    {
        var cause = _sender.BrokenConnection!;
        return Stop(new RunAccount(), cause, cause.Exception, StopCause.Connection);
    }

    private void DrainLog()
    {
        _writer.WriteLines();
        // A sync's questions (its write calls' ShouldProcess), then the lines they wrote.
        try
        {
            _approval.AnswerQueued();
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
        _writer.WriteLines();
    }
}
