using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Timing;
using TencentImAttr.Emulator;

namespace TencentImAttr.Testing;

// The one fake clock pair and the one collecting sink of the xunit suites (core and emulator).

/// <summary>A clock that moves only when told to; delays complete when the time passes them.</summary>
// Each fake clock is also the emulator's (IEmulatorClock has the same two members): the emulator shares no type with
// the core (issue 21), so a test that drives both with one clock gives it to each under its own interface.
internal sealed class ManualClock : IClock, IEmulatorClock
{
    private readonly object _gate = new();
    private readonly List<(TimeSpan Due, TaskCompletionSource<bool> Done)> _waiters = new();
    private TimeSpan _now;

    public DateTimeOffset Start { get; set; } = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    public DateTimeOffset UtcNow { get { lock (_gate) return Start + _now; } }
    public TimeSpan Elapsed { get { lock (_gate) return _now; } }
    public uint CoarseMilliseconds => unchecked((uint)(long)Elapsed.TotalMilliseconds);
    public int PendingDelays { get { lock (_gate) return _waiters.Count; } }

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero) return Task.CompletedTask;
        var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate) _waiters.Add((_now + delay, tcs));
        cancellationToken.Register(() => tcs.TrySetCanceled(cancellationToken));
        return tcs.Task;
    }

    public void Advance(TimeSpan by)
    {
        List<TaskCompletionSource<bool>> due;
        lock (_gate)
        {
            _now += by;
            due = _waiters.Where(w => w.Due <= _now).Select(w => w.Done).ToList();
            _waiters.RemoveAll(w => w.Due <= _now);
        }
        foreach (var d in due) d.TrySetResult(true);
    }
}

/// <summary>A clock whose delays pass at once (while time moves on), so retry backoffs cost nothing in tests.</summary>
internal sealed class InstantClock : IClock, IEmulatorClock
{
    private long _ticks;
    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow + Elapsed;
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));
    public uint CoarseMilliseconds => unchecked((uint)(long)Elapsed.TotalMilliseconds);
    public TimeSpan TotalDelay => Elapsed;

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (delay > TimeSpan.Zero) Interlocked.Add(ref _ticks, delay.Ticks);
        return Task.CompletedTask;
    }
}

/// <summary>Collects what an engine hands to its sink.</summary>
internal sealed class CollectingSink<TResult> : IEngineSink<TResult>
    where TResult : class
{
    public List<object> Outcomes { get; } = new();
    public List<TResult> Results { get; } = new();
    public List<ItemFailure> Failures { get; } = new();
    public List<string> Verbose { get; } = new();
    public List<ProgressReport> Progress { get; } = new();
    public int ThreadId { get; } = Environment.CurrentManagedThreadId;
    public bool WrongThread { get; private set; }

    public void OnResult(TResult result) { Check(); Results.Add(result); Outcomes.Add(result); }
    public void OnFailure(ItemFailure failure) { Check(); Failures.Add(failure); Outcomes.Add(failure); }
    public void OnVerbose(string line) { Check(); Verbose.Add(line); }
    public void OnProgress(ProgressReport report) { Check(); Progress.Add(report); }

    private void Check()
    {
        if (Environment.CurrentManagedThreadId != ThreadId) WrongThread = true;
    }
}


/// <summary>Checked items as a cmdlet's record loop makes them: from an explicit -UserId, or from a pipeline object.</summary>
internal static class Items
{
    public static ItemOutcome<Core.Operations.SetItem> Set(string? userId, System.Collections.IDictionary? attributes, Core.Api.ImService service) =>
        Core.Operations.SetItem.Read(Core.Input.PipelineRecord.ForUserId(userId), attributes, service);

    public static ItemOutcome<Core.Operations.GetItem> Get(string? userId, Core.Api.ImService service) =>
        Core.Operations.GetItem.Read(Core.Input.PipelineRecord.ForUserId(userId), service);

    public static ItemOutcome<Core.Operations.RemoveItem> Remove(string? userId, IEnumerable<string?>? names, Core.Api.ImService service) =>
        Core.Operations.RemoveItem.Read(Core.Input.PipelineRecord.ForUserId(userId), names ?? Array.Empty<string?>(), service);

    public static ItemOutcome<Core.Operations.SetItem> SetFrom(object? input, IReadOnlyList<KeyValuePair<string, object?>>? properties, System.Collections.IDictionary? extra, Core.Api.ImService service) =>
        Core.Operations.SetItem.Read(Core.Input.PipelineRecord.FromObject(input, properties), extra, service);

    public static ItemOutcome<Core.Operations.GetItem> GetFrom(object? input, IReadOnlyList<KeyValuePair<string, object?>>? properties, Core.Api.ImService service) =>
        Core.Operations.GetItem.Read(Core.Input.PipelineRecord.FromObject(input, properties), service);

    public static ItemOutcome<Core.Operations.TagItem> Tags(string? userId, IEnumerable<string?>? tags, Core.Api.ImService service) =>
        Core.Operations.TagItem.Read(Core.Input.PipelineRecord.ForUserId(userId), tags ?? Array.Empty<string?>(), service);

    public static ItemOutcome<Core.Operations.TagItem> TagsFrom(object? input, IReadOnlyList<KeyValuePair<string, object?>>? properties, IEnumerable<string?>? tags, Core.Api.ImService service) =>
        Core.Operations.TagItem.Read(Core.Input.PipelineRecord.FromObject(input, properties), tags, service);

    public static ItemOutcome<Core.Operations.RemoveItem> RemoveFrom(object? input, IReadOnlyList<KeyValuePair<string, object?>>? properties, IEnumerable<string?>? names, Core.Api.ImService service) =>
        Core.Operations.RemoveItem.Read(Core.Input.PipelineRecord.FromObject(input, properties), names, service);
}
