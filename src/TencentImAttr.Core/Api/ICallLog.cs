namespace TencentImAttr.Core.Api;

/// <summary>
/// Receives a line per HTTP attempt (API, users, attempt, elapsed time, outcome), secrets already redacted.
/// Called from worker threads: implementations queue the line for the pipeline thread.
/// </summary>
internal interface ICallLog
{
    /// <summary>Records one line.</summary>
    void Write(string line);

    /// <summary>The run's counters (retries, rate-limit answers, pace adjustments).</summary>
    CallCounters Counters { get; }
}
