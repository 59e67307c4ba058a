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

    /// <summary>Takes the lines written so far, oldest first.</summary>
    public IEnumerable<string> Drain()
    {
        while (_lines.TryDequeue(out var line))
        {
            yield return line;
        }
    }
}
