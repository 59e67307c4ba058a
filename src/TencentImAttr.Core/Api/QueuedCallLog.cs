using System.Collections.Concurrent;
using System.Collections.Generic;

namespace TencentImAttr.Core.Api;

/// <summary>
/// Keeps the lines written from worker threads until the pipeline thread takes them: PowerShell allows
/// WriteVerbose on that thread only.
/// </summary>
internal sealed class QueuedCallLog : ICallLog
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <inheritdoc />
    public void Write(string line) => _lines.Enqueue(line);

    /// <inheritdoc />
    public RunCounters Counters { get; } = new();

    /// <summary>Takes the oldest line written and not yet taken; false when there is none.</summary>
    /// <remarks>The engine asks after every item it is given: this form allocates nothing when there is no line.</remarks>
    public bool TryTake(out string line) => _lines.TryDequeue(out line!);

    /// <summary>Takes the lines written so far, oldest first.</summary>
    public IEnumerable<string> Drain()
    {
        while (_lines.TryDequeue(out var line))
        {
            yield return line;
        }
    }
}
