using System;
using System.Runtime.ExceptionServices;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Timing;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Everything the run hands to the sink, on the pipeline thread only (the one thread that may write to PowerShell):
/// a finished batch's outcomes in input order, each counted before it is written (so that a downstream stop finds
/// it counted), the call log's lines, and progress. A stop raised by the sink (-ErrorAction Stop, a downstream
/// Select-Object -First) is accounted for here and handed to the engine.
/// </summary>
internal sealed class PipelineWriter<TItem, TResult>
    where TItem : class
    where TResult : class
{
    private readonly BatchEngine<TItem, TResult> _engine;
    private readonly IEngineSink<TResult> _sink;
    private readonly QueuedCallLog _log;
    private readonly RunTally _tally;
    private readonly BackPressure _backPressure;
    private readonly StopAccounting<TItem, TResult> _stops;
    private readonly EngineOptions _options;
    private readonly IClock _clock;
    private readonly TimeSpan _started;
    // Without -Verify nothing read a user back after an attempt of unknown outcome: a stale call may still land.
    private readonly bool _countUnknownAttempts;
    private TimeSpan _lastProgress;
    private uint _progressLookedAt;
    private bool _progressShown;
    private long? _total;

    public PipelineWriter(BatchEngine<TItem, TResult> engine, IBatchOperation<TItem, TResult> operation, IEngineSink<TResult> sink, QueuedCallLog log,
        RunTally tally, BackPressure backPressure, StopAccounting<TItem, TResult> stops, EngineOptions options, IClock clock)
    {
        _engine = engine;
        _sink = sink;
        _log = log;
        _tally = tally;
        _backPressure = backPressure;
        _stops = stops;
        _options = options;
        _clock = clock;
        _started = clock.Elapsed;
        _countUnknownAttempts = operation is not IVerifyingOperation;
    }

    /// <summary>When the run started, on its clock.</summary>
    public TimeSpan Started => _started;

    /// <summary>Adds to the number of users the run will be given (an array): progress then shows a percentage.</summary>
    public void Expect(long users) => _total = (_total ?? 0) + users;

    /// <summary>Writes a finished batch's outcomes (<paramref name="outcomes"/>: one per item sent, null when nothing was sent), one per place.</summary>
    public void Write(Batch<TItem, TResult> batch, ItemOutcome<TResult>[]? outcomes)
    {
        // The outcomes come in the order of the items sent; a repeated user's place points at its first place's.
        var byPlace = new ItemOutcome<TResult>[batch.Places.Count];
        var next = 0;
        for (var i = 0; i < batch.Places.Count; i++)
        {
            if (batch.Places[i].Item is not null && !batch.Declined) byPlace[i] = outcomes![next++];
        }
        for (var i = 0; i < batch.Places.Count; i++)
        {
            try
            {
                WritePlace(batch, byPlace, i);
            }
            catch (DownstreamStopException stop)
            {
                // The command's output is no longer taken (a downstream Select-Object -First): this place is counted,
                // the rest of the batch and every user held are accounted for as -ErrorAction Stop accounts for them,
                // the calls already in flight let finish; then PowerShell's own stop goes on up.
                var account = new RunAccount();
                _stops.CountRestOfBatch(account, batch, byPlace, i);
                _engine.WindDown(account);
                ExceptionDispatchInfo.Capture(stop.InnerException ?? stop).Throw();
            }
            catch (Exception e) when (e is not ImRunStoppedException && _engine.CtrlC && !_tally.HeldAccounted)
            {
                // Ctrl+C while the batch was written (PowerShell refused the write): this place is counted, the rest
                // of the batch goes into the stop's account (BatchEngine.Interrupted counts every other user held).
                _stops.CountRestOfBatch(_engine.CtrlCAccount, batch, byPlace, i);
                throw;
            }
        }
    }

    /// <summary>Writes the call log's lines: -Verbose's, and -Debug's wire trace to a sink that takes it.</summary>
    public void WriteLines()
    {
        // Called after every item: TryTake allocates nothing when no line is waiting (Drain's iterator would).
        while (_log.TryTake(out var line))
        {
            if (!line.Debug) _sink.OnVerbose(line.Text);
            else (_sink as IWireTraceSink)?.OnDebug(line.Text);
        }
    }

    /// <summary>Reports progress when the run has lasted <see cref="EngineOptions.ProgressDelay"/> and the last report is old enough.</summary>
    public void ReportProgress()
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

    /// <summary>Closes the progress bar, when one was shown.</summary>
    public void CompleteProgress()
    {
        if (_progressShown)
        {
            _sink.OnProgress(Progress(completed: true));
        }
    }

    /// <summary>Writes one place's outcome and counts it (before its write, so that a downstream stop finds it counted).</summary>
    private void WritePlace(Batch<TItem, TResult> batch, ItemOutcome<TResult>[] byPlace, int i)
    {
        var place = batch.Places[i];
        _backPressure.Hold(-1);
        if (batch.Declined && place.Failure is null)
        {
            _tally.Declined++;
            return;
        }
        var failure = place.Failure;
        TResult? result = null;
        var declined = false;
        if (failure is null)
        {
            var outcome = byPlace[place.OutcomeIndex(i)];
            failure = outcome.Failure;
            result = outcome.Result;
            declined = outcome.Declined;
            if (outcome.HadUnknownAttempt && !declined && _countUnknownAttempts) _tally.UnknownAttempts++;
        }
        if (declined)
        {
            // Declined at a question asked after sending began (a sync's write): not sent; what it would have
            // done (the drift) is still the sink's to show.
            _tally.Declined++;
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
                // failure; StoppedAt is its position), the rest of the batch is held.
                var account = new RunAccount();
                _stops.CountStoppingPoint(account, place, failure);
                _stops.CountRestOfBatch(account, batch, byPlace, i);
                throw _engine.Stop(account, failure, stop.InnerException ?? stop, StopCause.Caller);
            }
            catch (Exception e) when (e is DownstreamStopException || _engine.CtrlC)
            {
                // Its failure is known, and counted as such: a downstream stop refused only the result of what still
                // changed (its error was written); after Ctrl+C PowerShell took no write of it.
                _tally.Failed++;
                _tally.CountFailed(failure.ErrorId);
                throw;
            }
            _tally.Failed++;
            _tally.CountFailed(failure.ErrorId);
        }
        else
        {
            _tally.Succeeded++;
            _sink.OnResult(result!);
        }
    }

    private ProgressReport Progress(bool completed) =>
        new(_tally.Succeeded, _tally.Failed, _tally.Received, _clock.Elapsed - _started, completed, _total, _log.Counters.BackingOff, _log.Counters.Retries, _log.Counters.LastRetry);
}
