using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;

namespace TencentImAttr.Core.Bulk;

/// <summary>One bulk operation as the engine drives it: how items are keyed and merged, and how a batch is sent.</summary>
internal interface IBatchOperation<TItem, TResult>
    where TItem : class
    where TResult : class
{
    /// <summary>The user an item is for: the key for merging duplicates and ordering repeated users.</summary>
    string UserIdOf(TItem item);

    /// <summary>Folds a later item for the same user into the earlier one (Set: later values win; Remove: union of names).</summary>
    TItem Merge(TItem earlier, TItem later);

    /// <summary>
    /// Sends one batch (at most <see cref="EngineOptions.BatchSize"/> distinct users) and returns one outcome per item, in the same order. Never throws for a failed call: the failure becomes every item's outcome.
    /// <paramref name="stopSending"/> stops new attempts (the items left come back not sent); <paramref name="cancellationToken"/> cancels everything.
    /// </summary>
    Task<ItemOutcome<TResult>[]> ExecuteAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending = default);
}

/// <summary>Where the engine delivers what happened, always on the thread that calls the engine (the pipeline thread).</summary>
internal interface IEngineSink<TResult>
    where TResult : class
{
    /// <summary>An item succeeded.</summary>
    void OnResult(TResult result);

    /// <summary>An item failed.</summary>
    void OnFailure(ItemFailure failure);

    /// <summary>A log line about a call.</summary>
    void OnVerbose(string line);

    /// <summary>Progress of a long run.</summary>
    void OnProgress(ProgressReport report);
}

/// <summary>A sink that takes the wire trace (-Debug) too: each request and answer, scrubbed, on the caller's thread.</summary>
internal interface IWireTraceSink
{
    /// <summary>A line of the wire trace.</summary>
    void OnDebug(string line);
}

/// <summary>Progress of a run, for Write-Progress.</summary>
internal sealed class ProgressReport
{
    /// <summary>Creates a report; <paramref name="retrying"/> is the last retry's note while calls wait in their backoff, else null.</summary>
    public ProgressReport(long succeeded, long failed, long received, System.TimeSpan elapsed, bool completed, long? total = null,
        int backingOff = 0, long retries = 0, Api.RetryNote? retrying = null)
    {
        Total = total;
        Succeeded = succeeded;
        Failed = failed;
        Received = received;
        Elapsed = elapsed;
        Completed = completed;
        BackingOff = backingOff;
        Retries = retries;
        Retrying = backingOff > 0 ? retrying : null;
    }

    /// <summary>Users done.</summary>
    public long Succeeded { get; }
    /// <summary>Users reported as errors.</summary>
    public long Failed { get; }
    /// <summary>Users taken from the input so far.</summary>
    public long Received { get; }
    /// <summary>Time since the run started.</summary>
    public System.TimeSpan Elapsed { get; }
    /// <summary>The run is over (the cmdlet closes its progress bar).</summary>
    public bool Completed { get; }
    /// <summary>Calls waiting now for their backoff before they are sent again.</summary>
    public int BackingOff { get; }
    /// <summary>Calls sent again so far.</summary>
    public long Retries { get; }
    /// <summary>While calls are in their backoff: the last failure retried and its backoff; else null.</summary>
    public Api.RetryNote? Retrying { get; }
    /// <summary>Users finished per second.</summary>
    public double UsersPerSecond => Elapsed.TotalSeconds > 0 ? (Succeeded + Failed) / Elapsed.TotalSeconds : 0;

    /// <summary>Users the run will be given, when the input said it ahead (an array); null in a pipeline.</summary>
    public long? Total { get; }

    /// <summary>Share of <see cref="Total"/> finished, 0 to 100; -1 (PowerShell's "unknown") without a total.</summary>
    public int PercentComplete => Total is > 0 ? (int)System.Math.Min(100, (Succeeded + Failed) * 100 / Total.Value) : -1;

    /// <summary>Seconds left at the rate so far; -1 (unknown) without a total or before the first user finished.</summary>
    public int SecondsRemaining => Total is { } total && UsersPerSecond > 0
        ? (int)System.Math.Ceiling(System.Math.Max(0, total - Succeeded - Failed) / UsersPerSecond)
        : -1;

    /// <summary>
    /// The status line the cmdlets show. With a total (an array): "7,800 of 7,942 users done, 120/s, 0 error(s)". In a
    /// pipeline, where only the users read so far are known, never a number that looks like a total: "7,942 read,
    /// 7,800 done, 120/s, 0 error(s)". While calls wait to be sent again, what they wait for follows: "; retrying:
    /// 2 call(s) in backoff (4.0 s), 9 retries, last error ImHttpError503: ...".
    /// </summary>
    public string StatusLine
    {
        get
        {
            var c = System.Globalization.CultureInfo.InvariantCulture;
            var done = Succeeded + Failed;
            var line = Total is { } total
                ? string.Format(c, "{0:N0} of {1:N0} users done, {2:N0}/s, {3:N0} error(s)", done, total, UsersPerSecond, Failed)
                : string.Format(c, "{0:N0} read, {1:N0} done, {2:N0}/s, {3:N0} error(s)", Received, done, UsersPerSecond, Failed);
            if (Retrying is { } note)
            {
                line += string.Format(c, "; retrying: {0:N0} call(s) in backoff ({1:0.0} s), {2:N0} retries, last error {3}", BackingOff, note.Backoff.TotalSeconds, Retries, note.Error);
            }
            return line;
        }
    }
}
