using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TencentImAttr.Benchmark;

/// <summary>
/// A stand-in for Tencent's REST endpoint on 127.0.0.1 (Kestrel): answers set/get/remove after an added latency,
/// enforces a quota of N calls in any sliding one-second window (error 60018 beyond it), rejects calls with more than
/// 100 users (error 90018), and records when every call arrived.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    public const int MaxUsersPerCall = 100;

    private static readonly byte[] Ok = Encoding.UTF8.GetBytes("{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0}");
    private static readonly byte[] RateLimited = Encoding.UTF8.GetBytes("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":60018,\"ErrorInfo\":\"rate limited\"}");
    private static readonly byte[] TooManyUsers = Encoding.UTF8.GetBytes("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":90018,\"ErrorInfo\":\"more than 100 accounts in one call\"}");
    private static readonly byte[] BadJson = Encoding.UTF8.GetBytes("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":90001,\"ErrorInfo\":\"bad JSON\"}");
    private static readonly byte[] UnknownApi = Encoding.UTF8.GetBytes("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":60002,\"ErrorInfo\":\"unknown API\"}");

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly List<long> _arrivals = new();
    private readonly Queue<long> _accepted = new();
    private long _rateLimited, _tooManyUsers, _badRequests, _users;
    private int _maxUsersInCall;
    private int _latencyMs;
    private int _quota;

    private BenchServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The port the server listens on (chosen by the system).</summary>
    public int Port { get; private set; }

    /// <summary>Added latency of every answer, in milliseconds (0: none).</summary>
    public int LatencyMs
    {
        get => Volatile.Read(ref _latencyMs);
        set => Volatile.Write(ref _latencyMs, value);
    }

    /// <summary>Calls accepted in any one-second window (0: no quota).</summary>
    public int Quota
    {
        get { lock (_gate) return _quota; }
        set { lock (_gate) { _quota = value; _accepted.Clear(); } }
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
            var stats = new ServerStats(_arrivals.ToArray(), _rateLimited, _tooManyUsers, _badRequests, _users, _maxUsersInCall);
            _arrivals.Clear();
            _accepted.Clear();
            _rateLimited = _tooManyUsers = _badRequests = _users = 0;
            _maxUsersInCall = 0;
            return stats;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        bool limited;
        lock (_gate)
        {
            // The arrival time is taken under the lock, so the list stays sorted and the window check is exact.
            var now = Stopwatch.GetTimestamp();
            _arrivals.Add(now);
            limited = false;
            if (_quota > 0)
            {
                while (_accepted.Count > 0 && now - _accepted.Peek() >= Stopwatch.Frequency)
                {
                    _accepted.Dequeue();
                }
                if (_accepted.Count >= _quota)
                {
                    limited = true;
                    _rateLimited++;
                }
                else
                {
                    _accepted.Enqueue(now);
                }
            }
        }

        var path = context.Request.Path.Value ?? "";
        var slash = path.LastIndexOf('/');
        var api = slash >= 0 ? path.Substring(slash + 1) : path;
        var family = slash > 0 ? path.Substring(0, slash) : "";
        var known = HttpMethods.IsPost(context.Request.Method)
            && (family == "/v4/all_member_push" || family == "/v4/timpush")
            && api is "im_set_attr" or "im_get_attr" or "im_remove_attr" or "set_attr" or "get_attr" or "remove_attr";

        byte[] answer;
        if (!known)
        {
            answer = UnknownApi;
            Interlocked.Increment(ref _badRequests);
        }
        else
        {
            var isGet = api.EndsWith("get_attr", StringComparison.Ordinal);
            List<string>? users = null;
            int count;
            try
            {
                using var document = await JsonDocument.ParseAsync(context.Request.Body).ConfigureAwait(false);
                count = CountUsers(document.RootElement, isGet, isGet ? users = new List<string>() : null);
            }
            catch (JsonException)
            {
                count = -1;
            }
            if (count < 0)
            {
                answer = BadJson;
                Interlocked.Increment(ref _badRequests);
            }
            else
            {
                Interlocked.Add(ref _users, count);
                lock (_gate)
                {
                    if (count > _maxUsersInCall) _maxUsersInCall = count;
                }
                if (count > MaxUsersPerCall)
                {
                    answer = TooManyUsers;
                    Interlocked.Increment(ref _tooManyUsers);
                }
                else if (limited)
                {
                    answer = RateLimited;
                }
                else
                {
                    answer = isGet ? GetAnswer(users!) : Ok;
                }
            }
        }

        var latency = LatencyMs;
        if (latency > 0)
        {
            await Task.Delay(latency).ConfigureAwait(false);
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = answer.Length;
        await context.Response.Body.WriteAsync(answer).ConfigureAwait(false);
    }

    /// <summary>Users in a request: UserAttrs entries (set, remove) or To_Account entries (get); -1 when the shape is wrong.</summary>
    private static int CountUsers(JsonElement root, bool isGet, List<string>? users)
    {
        if (root.ValueKind != JsonValueKind.Object) return -1;
        if (!root.TryGetProperty(isGet ? "To_Account" : "UserAttrs", out var list) || list.ValueKind != JsonValueKind.Array) return -1;
        var count = 0;
        foreach (var entry in list.EnumerateArray())
        {
            count++;
            if (users is not null && entry.ValueKind == JsonValueKind.String) users.Add(entry.GetString()!);
        }
        return count;
    }

    private static byte[] GetAnswer(List<string> users)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 + users.Count * 48);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("ActionStatus", "OK");
            writer.WriteString("ErrorInfo", "");
            writer.WriteNumber("ErrorCode", 0);
            writer.WriteStartArray("UserAttrs");
            foreach (var user in users)
            {
                writer.WriteStartObject();
                writer.WriteString("To_Account", user);
                writer.WriteStartObject("Attrs");
                writer.WriteString("tier", "gold");
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
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
