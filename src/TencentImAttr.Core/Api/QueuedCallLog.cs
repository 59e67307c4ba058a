using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace TencentImAttr.Core.Api;

/// <summary>
/// Keeps what worker threads hand to the pipeline thread until it takes them: the lines (PowerShell allows
/// WriteVerbose on that thread only) and the questions (ShouldProcess too). The pipeline thread sleeps on
/// <see cref="WaitForWork"/>, which a question or a finished call (<see cref="Wake"/>) ends at once.
/// </summary>
internal sealed class QueuedCallLog : ICallLog, IDisposable
{
    private readonly ConcurrentQueue<LogLine> _lines = new();
    private readonly ConcurrentQueue<(Func<bool> Question, TaskCompletionSource<bool> Answer)> _questions = new();
    // Set when there may be something for the pipeline thread; it is reset before the thread looks, so a signal that
    // comes while it looks is kept for its next wait (a count, as a semaphore's, could outlive its question and
    // leave the thread spinning).
    private readonly ManualResetEventSlim _work = new(false);
    private volatile bool _disposed;

    /// <summary>A log; with <paramref name="tracesWire"/> (-Debug), the API client adds a trace of each request and answer.</summary>
    public QueuedCallLog(bool tracesWire = false) => TracesWire = tracesWire;

    /// <inheritdoc />
    public void Write(string line) => _lines.Enqueue(new LogLine(line, debug: false));

    /// <inheritdoc />
    public bool TracesWire { get; }

    /// <inheritdoc />
    public void Trace(string line)
    {
        if (TracesWire) _lines.Enqueue(new LogLine(line, debug: true));
    }

    /// <inheritdoc />
    public RunCounters Counters { get; } = new();

    /// <summary>Something may be waiting for the pipeline thread (a question, a finished call): its wait ends now.</summary>
    public void Wake()
    {
        if (_disposed) return;
        try
        {
            _work.Set();
        }
        catch (ObjectDisposedException)
        {
            // The run is over.
        }
    }

    /// <summary>
    /// Forgets the signals so far: call before looking at what may be waiting, then <see cref="WaitForWork"/>, so that
    /// nothing that arrives meanwhile is missed.
    /// </summary>
    public void ResetWork() => _work.Reset();

    /// <summary>Waits until <see cref="Wake"/> (a question, a finished call) or <paramref name="timeout"/>; throws when cancelled.</summary>
    public void WaitForWork(TimeSpan timeout, CancellationToken cancellationToken) => _work.Wait(timeout, cancellationToken);

    /// <inheritdoc />
    public Task<bool> AskAsync(Func<bool> question, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (cancellationToken.IsCancellationRequested)
        {
            answer.TrySetCanceled(cancellationToken);
            return answer.Task;
        }
        var registration = cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken));
        _ = answer.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _questions.Enqueue((question, answer));
        // The run is over: nobody will answer.
        if (_disposed) answer.TrySetCanceled(CancellationToken.None);
        else Wake();
        return answer.Task;
    }

    /// <summary>
    /// Asks the waiting questions, in the order they came, on the calling (pipeline) thread. A question that throws
    /// (the pipeline is stopping) fails its asker and is rethrown here.
    /// </summary>
    public void AnswerQuestions()
    {
        while (_questions.TryDequeue(out var waiting))
        {
            if (waiting.Answer.Task.IsCompleted) continue;
            bool yes;
            try
            {
                yes = waiting.Question();
            }
            catch (Exception e)
            {
                waiting.Answer.TrySetException(e);
                throw;
            }
            waiting.Answer.TrySetResult(yes);
        }
    }

    /// <summary>Takes the oldest line written and not yet taken (a verbose line, or a trace line for Debug); false when there is none.</summary>
    /// <remarks>The engine asks after every item it is given: this form allocates nothing when there is no line.</remarks>
    public bool TryTake(out LogLine line) => _lines.TryDequeue(out line);

    /// <summary>Takes the lines written so far, oldest first.</summary>
    public IEnumerable<LogLine> Drain()
    {
        while (_lines.TryDequeue(out var line))
        {
            yield return line;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        _work.Dispose();
        // Questions asked as the run ended get no answer.
        while (_questions.TryDequeue(out var waiting)) waiting.Answer.TrySetCanceled(CancellationToken.None);
    }
}

/// <summary>A line of a call log: for the Verbose stream, or (a wire trace line) for the Debug stream.</summary>
internal readonly struct LogLine
{
    /// <summary>Creates a line.</summary>
    public LogLine(string text, bool debug)
    {
        Text = text;
        Debug = debug;
    }

    /// <summary>The text, secrets removed.</summary>
    public string Text { get; }

    /// <summary>A wire trace line (Write-Debug), not a verbose line.</summary>
    public bool Debug { get; }
}
