namespace TencentImAttr.Core.Api;

/// <summary>
/// Receives a line per HTTP attempt (API, users, attempt, elapsed time, outcome), secrets already redacted, and
/// counts what the run's summary reports about its calls. Called from worker threads: implementations queue the
/// line for the pipeline thread.
/// </summary>
internal interface ICallLog
{
    /// <summary>Records one line.</summary>
    void Write(string line);

    /// <summary>The run's counts of retries and pace adjustments, for its summary.</summary>
    RunCounters Counters { get; }
}
