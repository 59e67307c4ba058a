using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;
using TencentImAttr.Testing;

namespace TencentImAttr.Tests;

/// <summary>A clock that moves only when told to; delays complete when the time passes them.</summary>
public sealed class ManualClock : IClock
{
    private readonly object _gate = new();
    private readonly List<(TimeSpan Due, TaskCompletionSource<bool> Done)> _waiters = new();
    private TimeSpan _now;

    public DateTimeOffset Start { get; set; } = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
    public DateTimeOffset UtcNow { get { lock (_gate) return Start + _now; } }
    public TimeSpan Elapsed { get { lock (_gate) return _now; } }
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
public sealed class InstantClock : IClock
{
    private long _ticks;
    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow + Elapsed;
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));
    public TimeSpan TotalDelay => Elapsed;

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (delay > TimeSpan.Zero) Interlocked.Add(ref _ticks, delay.Ticks);
        return Task.CompletedTask;
    }
}

/// <summary>Collects what an engine hands to its sink.</summary>
public sealed class CollectingSink<TResult> : IEngineSink<TResult>
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

/// <summary>Connections over a stub handler.</summary>
public static class TestConnections
{
    public const long AppId = 1400000000;
    public const string Admin = "administrator";
    public const string SampleKey = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    public static ImConnection Open(StubHttpHandler handler, ImService service = ImService.AllMemberPush, IClock? clock = null,
        int maxRetry = 5, int callsPerSecond = 0, TimeSpan? timeout = null, string? secretKey = null, string userSig = "test-usersig", int throttle = 8)
    {
        return ImConnection.Open(new ImConnectionSettings
        {
            SdkAppId = AppId,
            Identifier = Admin,
            UserSig = secretKey is null ? userSig : null,
            SecretKey = secretKey is null ? null : System.Text.Encoding.UTF8.GetBytes(secretKey),
            BaseUri = new Uri("https://im.example.test/"),
            Service = service,
            MaxRetry = maxRetry,
            CallsPerSecond = callsPerSecond,
            ThrottleLimit = throttle,
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
        }, handler, clock ?? new InstantClock());
    }
}

internal static class ThreadPoolWarmUp
{
    // Many tests block a pool thread on an engine (as a cmdlet blocks its pipeline thread) while its calls need
    // other pool threads; without spare threads the pool injects them slowly and a loaded run crawls.
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Init() => ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 8), 64);
}
