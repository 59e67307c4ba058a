using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace TencentImAttr.Core.Api;

/// <summary>
/// Keeps what worker threads hand to the pipeline thread until it takes them: the lines (PowerShell allows
/// WriteVerbose on that thread only) and the questions (ShouldProcess too).
/// </summary>
internal sealed class QueuedCallLog : ICallLog, IDisposable
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<(Func<bool> Question, TaskCompletionSource<bool> Answer)> _questions = new();
    private readonly SemaphoreSlim _asked = new(0);

    /// <inheritdoc />
    public void Write(string line) => _lines.Enqueue(line);

    /// <inheritdoc />
    public RunCounters Counters { get; } = new();

    /// <summary>Signalled while a question waits: the pipeline thread's waits wake on it.</summary>
    public WaitHandle QuestionWaiting => _asked.AvailableWaitHandle;

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
        try
        {
            _asked.Release();
        }
        catch (ObjectDisposedException)
        {
            // The run is over: nobody will answer.
            answer.TrySetCanceled(CancellationToken.None);
        }
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
            _asked.Wait(0);
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

    /// <inheritdoc />
    public void Dispose() => _asked.Dispose();
}
