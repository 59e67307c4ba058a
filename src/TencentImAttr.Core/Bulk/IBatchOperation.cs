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
    /// Sends one batch (at most 100 distinct users) and returns one outcome per item, in the same order. Never throws for a failed call: the failure becomes every item's outcome.
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

/// <summary>Progress of a run, for Write-Progress.</summary>
internal sealed class ProgressReport
{
    /// <summary>Creates a report.</summary>
    public ProgressReport(long succeeded, long failed, long received, System.TimeSpan elapsed, bool completed, long? total = null)
    {
        Total = total;
        Succeeded = succeeded;
        Failed = failed;
        Received = received;
        Elapsed = elapsed;
        Completed = completed;
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

    /// <summary>The status line the cmdlets show: of the total when it is known, else of the users received so far.</summary>
    public string StatusLine => $"{Succeeded + Failed:N0} of {Total ?? Received:N0} users done, {UsersPerSecond:N0}/s, {Failed:N0} error(s)";
}
