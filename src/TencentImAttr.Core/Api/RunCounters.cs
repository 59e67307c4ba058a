using System.Threading;

namespace TencentImAttr.Core.Api;

/// <summary>
/// What a run's calls count for its summary, beyond the users' outcomes: attempts, calls sent again, rate-limit
/// answers and the pace adjustments they caused (issue 14's adaptive pace). Incremented from worker threads, read on
/// the pipeline thread.
/// </summary>
internal sealed class RunCounters
{
    private long _attempts;
    private long _readCalls;
    private long _writeCalls;
    private long _drifted;
    private int _sync;
    private long _retries;
    private long _rateLimited;
    private long _paceAdjustments;
    private int _lowestPace;
    private long _verified;
    private long _mismatched;
    private int _backingOff;
    private RetryNote? _lastRetry;

    /// <summary>HTTP attempts sent.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>HTTP attempts of the read APIs (get attributes, get tags, get the app's names), retries included: what a run's reads cost.</summary>
    public long ReadCalls => Interlocked.Read(ref _readCalls);

    /// <summary>HTTP attempts of the write APIs (set, remove, add, clear, register names), retries included.</summary>
    public long WriteCalls => Interlocked.Read(ref _writeCalls);

    /// <summary>Users a desired-state sync (-Replace) found different from the source; null when the run is no sync.</summary>
    public long? Drifted => Volatile.Read(ref _sync) == 0 ? null : Interlocked.Read(ref _drifted);

    /// <summary>Calls sent again: after a transient failure of the call, or for users an answer named with a transient error.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Answers that refused a call for the rate (60007, 60011, 60018, 60019, HTTP 429).</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>Times this run's rate-limit answers lowered the connection's pace (adaptive pacing).</summary>
    public long PaceAdjustments => Interlocked.Read(ref _paceAdjustments);

    /// <summary>The lowest pace (calls per second) this run set; 0 when it lowered none.</summary>
    public int LowestPace => Volatile.Read(ref _lowestPace);

    /// <summary>-Verify: users read back after their write and compared with what was meant (those whose read failed are not counted).</summary>
    public long Verified => Interlocked.Read(ref _verified);

    /// <summary>-Verify: of those, the users found different at the first read-back (and sent once more).</summary>
    public long Mismatched => Interlocked.Read(ref _mismatched);

    /// <summary>Counts users read back and compared (-Verify).</summary>
    public void AddVerified(int users) => Interlocked.Add(ref _verified, users);

    /// <summary>Counts users found different at their first read-back (-Verify).</summary>
    public void AddMismatched(int users) => Interlocked.Add(ref _mismatched, users);


    /// <summary>
    /// Counts one HTTP attempt of <paramref name="operation"/>, as a read or a write call: the one place calls are
    /// counted (<c>CallSender</c> sends every call the module makes, retries and read-backs included).
    /// </summary>
    public void AddAttempt(ImOperation operation)
    {
        Interlocked.Increment(ref _attempts);
        if (ImApiRoutes.IsRead(operation)) Interlocked.Increment(ref _readCalls);
        else Interlocked.Increment(ref _writeCalls);
    }

    /// <summary>Counts users a sync found different from the source (0 marks the run as a sync all the same).</summary>
    public void AddDrifted(long users)
    {
        Volatile.Write(ref _sync, 1);
        Interlocked.Add(ref _drifted, users);
    }

    /// <summary>Counts one call sent again.</summary>
    public void AddRetry() => Interlocked.Increment(ref _retries);

    /// <summary>Calls waiting now for their backoff to end before they are sent again.</summary>
    public int BackingOff => Volatile.Read(ref _backingOff);

    /// <summary>The last failure a call is being retried after (scrubbed and escaped), and the backoff it waits; null before any.</summary>
    public RetryNote? LastRetry => Volatile.Read(ref _lastRetry);

    /// <summary>
    /// A call starts waiting <paramref name="delay"/> to be sent again after <paramref name="error"/> (already scrubbed
    /// and escaped): counted as a retry, and shown by the progress status until <see cref="EndBackoff"/>.
    /// </summary>
    public void BeginBackoff(string error, System.TimeSpan delay)
    {
        AddRetry();
        Volatile.Write(ref _lastRetry, new RetryNote(error, delay));
        Interlocked.Increment(ref _backingOff);
    }

    /// <summary>The call's backoff is over (it is sent again, or the run stopped).</summary>
    public void EndBackoff() => Interlocked.Decrement(ref _backingOff);

    /// <summary>Counts one rate-limit answer.</summary>
    public void AddRateLimited() => Interlocked.Increment(ref _rateLimited);

    /// <summary>Counts one change of pace; <paramref name="to"/> is the pace set, for <see cref="LowestPace"/>.</summary>
    public void AddPaceAdjustment(int to = 0)
    {
        Interlocked.Increment(ref _paceAdjustments);
        if (to <= 0) return;
        int seen;
        do
        {
            seen = Volatile.Read(ref _lowestPace);
            if (seen != 0 && seen <= to) return;
        }
        while (Interlocked.CompareExchange(ref _lowestPace, to, seen) != seen);
    }
}

/// <summary>Why a call is being sent again, and how long it waits first (the progress status's retry part).</summary>
internal sealed class RetryNote
{
    /// <summary>Creates a note.</summary>
    public RetryNote(string error, System.TimeSpan backoff)
    {
        Error = error;
        Backoff = backoff;
    }

    /// <summary>The failure, short, scrubbed and escaped ("ImHttpError503: im_set_attr: HTTP 503 Service Unavailable").</summary>
    public string Error { get; }

    /// <summary>The wait before the call is sent again.</summary>
    public System.TimeSpan Backoff { get; }
}
