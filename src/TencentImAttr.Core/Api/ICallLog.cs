using System;
using System.Threading;
using System.Threading.Tasks;

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

    /// <summary>Whether the caller wants the wire trace (-Debug): each request and answer, scrubbed, as <see cref="Trace"/> lines.</summary>
    bool TracesWire { get; }

    /// <summary>Records one line of the wire trace (secrets already scrubbed), for the Debug stream.</summary>
    void Trace(string line);

    /// <summary>The run's counts of retries and pace adjustments, for its summary.</summary>
    RunCounters Counters { get; }

    /// <summary>
    /// Asks <paramref name="question"/> on the pipeline thread (a ShouldProcess that can only be worded once a batch
    /// has been read: a -Replace sync's write) and gives its answer. The engine answers while it pumps; cancelled by
    /// <paramref name="cancellationToken"/> (a stopped run) when it is still waiting.
    /// </summary>
    Task<bool> AskAsync(Func<bool> question, CancellationToken cancellationToken);
}
