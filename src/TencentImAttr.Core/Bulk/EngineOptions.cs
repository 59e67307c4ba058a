using System;

namespace TencentImAttr.Core.Bulk;

/// <summary>Tuning of a run.</summary>
internal sealed class EngineOptions
{
    /// <summary>Distinct users per batch (a plain batch is one call, and the API's limit is 100 users a call).</summary>
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
