using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

using TencentImAttr.Emulator;

namespace TencentImAttr.Benchmark;

/// <summary>
/// The measuring side of the benchmark on 127.0.0.1 (Kestrel): records when every call arrived and how many users it
/// carried, and adds latency. The answers are the emulator's (<see cref="EmulatedImService"/>, in process: its rules,
/// its UserSig check, its quota of N calls in any one-second window, its 100-user limit), with a store that keeps
/// no values, so that a million users do not weigh on the memory being measured.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    public const int MaxUsersPerCall = 100;

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<long> _arrivals = new();
    // The query's random of each arrival, by the arrival's index: it names the call to the client's own record of
    // when it sent it (PwshRun's send stamps), so that each call's time from socket to count can be measured.
    private readonly List<uint> _randoms = new();
    // Arrival times of the calls answered 60007: where in a run the refusals fall (the shared-quota run's first second).
    private readonly List<long> _refusals = new();
    private readonly AttributeStore _store = new() { KeepsValues = false };
    private EmulatedImService _service = null!;
    private long _rateLimited, _tooManyUsers, _badRequests, _users;
    private double _failRate;
    private int _maxUsersInCall;
    private int _latencyMs;
    private int _quota;

    private BenchServer(WebApplication app)
    {
        _app = app;
        _store.SetNames(new Dictionary<int, string> { [0] = "tier" }, null);
        Renew();
    }

    /// <summary>The app the emulator serves; the benchmark signs its calls with this key.</summary>
    public static EmulatorOptions App => new();

    /// <summary>The emulator's fault kinds the fault run injects, a quarter each: two refused before applying, two after.</summary>
    private static readonly InjectedFault[] FaultKinds = { InjectedFault.InternalError, InjectedFault.BadGateway, InjectedFault.DropConnection, InjectedFault.Truncate };

    /// <summary>A fresh service over the same store: the quota, and its window, start again, and so do the seeded fault draws.</summary>
    private void Renew()
    {
        var options = App;
        options.Quota = _quota;
        options.FailRate = _failRate;
        options.Faults = FaultKinds;
        options.Seed = 2026;
        _service = new EmulatedImService(options, store: _store);
    }

    /// <summary>The port the server listens on (chosen by the system).</summary>
    public int Port { get; private set; }

    /// <summary>Added latency of every answer, in milliseconds (0: none).</summary>
    public int LatencyMs
    {
        get => Volatile.Read(ref _latencyMs);
        set => Volatile.Write(ref _latencyMs, value);
    }

    /// <summary>
    /// The fraction of calls (0 to 1) answered with a transient fault instead, injected by the emulator from a fixed
    /// seed so that every run meets the same sequence: a quarter each of 91000 (nothing applied), HTTP 502 with an HTML
    /// page (nothing applied), a reset after the call was applied, and an answer cut short after the call was applied.
    /// </summary>
    public double FailRate
    {
        get { lock (_gate) return _failRate; }
        set { lock (_gate) { _failRate = value; Renew(); } }
    }

    /// <summary>Calls accepted in any one-second window (0: no quota).</summary>
    public int Quota
    {
        get { lock (_gate) return _quota; }
        set { lock (_gate) { _quota = value; Renew(); } }
    }

    public static async Task<BenchServer> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.AddServerHeader = false;
        });
        var app = builder.Build();
        var server = new BenchServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    /// <summary>Forgets what was recorded so far (the quota's window included) and returns it.</summary>
    public ServerStats TakeStats()
    {
        lock (_gate)
        {
            var faults = _service.InjectedFaults.Values.Sum();
            var stats = new ServerStats(_arrivals.ToArray(), _rateLimited, _tooManyUsers, _badRequests, _users, _maxUsersInCall)
            {
                Faults = faults,
                RefusedArrivals = _refusals.ToArray(),
                Randoms = _randoms.ToArray(),
            };
            _arrivals.Clear();
            _refusals.Clear();
            _randoms.Clear();
            Renew();
            _rateLimited = _tooManyUsers = _badRequests = _users = 0;
            _maxUsersInCall = 0;
            return stats;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        EmulatedImService service;
        long arrived;
        int arrival;
        lock (_gate)
        {
            // The arrival time is taken under the lock, so the list stays sorted.
            arrived = Stopwatch.GetTimestamp();
            _arrivals.Add(arrived);
            arrival = _arrivals.Count - 1;
            _randoms.Add(0);
            service = _service;
        }
        if (uint.TryParse(context.Request.Query["random"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var random))
        {
            lock (_gate) _randoms[arrival] = random;
        }
        byte[] body;
        using (var buffer = new System.IO.MemoryStream())
        {
            await context.Request.Body.CopyToAsync(buffer).ConfigureAwait(false);
            body = buffer.ToArray();
        }
        var path = context.Request.Path.Value ?? "";
        Count(path, body);
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in context.Request.Query) query[pair.Key] = pair.Value.ToString();
        var answer = service.Handle(path, query, body);
        if (answer.DropConnection)
        {
            // An injected reset, after the call was applied.
            await AfterLatencyAsync().ConfigureAwait(false);
            context.Abort();
            return;
        }
        // The emulator answers HTTP 502, 91000 and a cut body only as injected faults (which it counts), never for a bad request.
        if (answer.Status != 200)
        {
            if (answer.Status != 502) Interlocked.Increment(ref _badRequests);
        }
        else if (ErrorCodeOf(answer.Body) is { } code && code is not (0 or EmulatorCodes.InternalError))
        {
            if (code == EmulatorCodes.RateLimited)
            {
                Interlocked.Increment(ref _rateLimited);
                lock (_gate) _refusals.Add(arrived);
            }
            else if (code == EmulatorCodes.TooManyAccounts) Interlocked.Increment(ref _tooManyUsers);
            else Interlocked.Increment(ref _badRequests);
        }

        await AfterLatencyAsync().ConfigureAwait(false);
        context.Response.StatusCode = answer.Status;
        context.Response.ContentType = answer.ContentType;
        context.Response.ContentLength = answer.Body.Length;
        await context.Response.Body.WriteAsync(answer.Body).ConfigureAwait(false);
    }

    private Task AfterLatencyAsync()
    {
        var latency = LatencyMs;
        return latency > 0 ? Task.Delay(latency) : Task.CompletedTask;
    }

    /// <summary>Counts the users a call carried, whatever the emulator answers.</summary>
    private void Count(string path, byte[] body)
    {
        int count;
        try
        {
            using var document = JsonDocument.Parse(body);
            count = CountUsers(document.RootElement);
        }
        catch (JsonException)
        {
            return;
        }
        if (count < 0) return;
        Interlocked.Add(ref _users, count);
        lock (_gate)
        {
            if (count > _maxUsersInCall) _maxUsersInCall = count;
        }
    }

    private static int? ErrorCodeOf(byte[] answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            return document.RootElement.TryGetProperty("ErrorCode", out var code) ? code.GetInt32() : null;
        }
        catch (JsonException)
        {
            // An injected Truncate: the answer is cut in the middle.
            return null;
        }
    }

    /// <summary>Users in a request: UserAttrs entries (set, remove), UserTags entries (tags) or To_Account entries (get, clear); -1 when the shape is wrong.</summary>
    private static int CountUsers(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return -1;
        foreach (var field in new[] { "UserAttrs", "UserTags", "To_Account" })
        {
            if (root.TryGetProperty(field, out var list) && list.ValueKind == JsonValueKind.Array) return list.GetArrayLength();
        }
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>What the server saw during one run.</summary>
internal sealed class ServerStats
{
    public ServerStats(long[] arrivals, long rateLimited, long tooManyUsers, long badRequests, long users, int maxUsersInCall)
    {
        Arrivals = arrivals;
        RateLimited = rateLimited;
        TooManyUsers = tooManyUsers;
        BadRequests = badRequests;
        Users = users;
        MaxUsersInCall = maxUsersInCall;
    }

    /// <summary>Arrival times (Stopwatch ticks), sorted.</summary>
    public long[] Arrivals { get; }
    public long Calls => Arrivals.Length;
    public long RateLimited { get; }
    public long TooManyUsers { get; }
    public long BadRequests { get; }
    public long Users { get; }
    public int MaxUsersInCall { get; }

    /// <summary>Calls answered with an injected fault (<see cref="BenchServer.FailRate"/>).</summary>
    public long Faults { get; init; }

    /// <summary>The query's random of each arrival, in the order of <see cref="Arrivals"/> (0 when it had none).</summary>
    public uint[] Randoms { get; init; } = Array.Empty<uint>();

    /// <summary>Arrival times (Stopwatch ticks) of the calls answered 60007, in no particular order.</summary>
    public long[] RefusedArrivals { get; init; } = Array.Empty<long>();

    /// <summary>Calls that arrived within <paramref name="span"/> of the run's first call.</summary>
    public long CallsWithin(TimeSpan span) => Arrivals.Length == 0 ? 0 : Arrivals.LongCount(a => a - Arrivals[0] < span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Refused calls that arrived within <paramref name="span"/> of the run's first call.</summary>
    public long RefusedWithin(TimeSpan span) => Arrivals.Length == 0 ? 0 : RefusedArrivals.LongCount(a => a - Arrivals[0] < span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>The most calls that arrived within any one second (sliding window: two pointers over the sorted times).</summary>
    public int MaxCallsInAnySecond => MaxInWindow(Arrivals, Stopwatch.Frequency);

    /// <summary>
    /// The shortest time, in ms, within which <paramref name="count"/> consecutive calls arrived (null when fewer came).
    /// With count = quota + 1, a value of 1000 ms or more means no one-second window went over the quota; what is above
    /// 1000 ms is the margin the client kept.
    /// </summary>
    public double? TightestSpanMs(int count)
    {
        if (count < 2 || Arrivals.Length < count) return null;
        var best = long.MaxValue;
        for (var i = 0; i + count - 1 < Arrivals.Length; i++)
        {
            best = Math.Min(best, Arrivals[i + count - 1] - Arrivals[i]);
        }
        return best * 1000.0 / Stopwatch.Frequency;
    }

    public static int MaxInWindow(long[] sorted, long window)
    {
        var best = 0;
        var first = 0;
        for (var last = 0; last < sorted.Length; last++)
        {
            while (sorted[last] - sorted[first] >= window) first++;
            best = Math.Max(best, last - first + 1);
        }
        return best;
    }
}
