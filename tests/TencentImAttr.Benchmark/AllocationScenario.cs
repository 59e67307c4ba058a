using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Core.Api;

namespace TencentImAttr.Benchmark;

/// <summary>
/// The module's own allocations per user, for Set, Get and Remove (issue 18, "fewer allocations per user"): the engine,
/// the input reading, the request's serialization, the answer's parsing and the outcomes, with no server in the process.
/// The connection sends through an in-memory handler that answers with bodies made before the run (Get's answer for
/// each batch of 100 users is precomputed), so what <see cref="GC.GetTotalAllocatedBytes"/> counts is the module's
/// work and HttpClient's per-call objects, not a server's. The records (the cmdlets' unwrapped input) are made before
/// the run too. Quota lifted (0 calls/s): the limiter's wait is not what is measured.
/// </summary>
internal static class AllocationScenario
{
    private const int WarmUpUsers = 4_000;

    /// <summary>Runs the three operations; prints bytes per user; returns the RESULT line's fields.</summary>
    public static string Run(int users, bool byType)
    {
        Console.WriteLine("Allocations per user, module only (in-memory answers, no server, quota lifted, {0:N0} users after a warm-up of {1:N0})", users, WarmUpUsers);
        var fields = new StringBuilder();
        foreach (var (key, title, run) in new (string, string, Func<int, AllocationProbe?, long>)[]
        {
            ("set", "Set, -UserId ids with -Attribute @{tier='gold'}", RunSet),
            ("set_rows", "Set, rows {UserId, tier} from the pipeline", RunSetRows),
            ("get", "Get, -UserId ids (answers of one attribute each)", RunGet),
            ("remove", "Remove, -UserId ids with -Name tier", RunRemove),
        })
        {
            run(WarmUpUsers, null);
            using var probe = byType ? new AllocationProbe() : null;
            var bytes = run(users, probe);
            Console.WriteLine("  {0,-52} {1,8:N0} bytes/user", title, bytes / (double)users);
            if (probe is not null) probe.Print(users);
            fields.AppendFormat(CultureInfo.InvariantCulture, " {0}_alloc_bytes_per_user={1:F0}", key, bytes / (double)users);
        }
        Console.WriteLine();
        return fields.ToString();
    }

    private static readonly Hashtable Tier = new() { { "tier", "gold" } };
    private static readonly string[] TierName = { "tier" };

    private static long RunSet(int users, AllocationProbe? probe)
    {
        var records = Enumerable.Range(0, users).Select(i => PipelineRecord.ForUserId(UserId(i))).ToArray();
        return Measure(users, Answers.Ok, connection => BulkOperations.Set(connection), records, r => SetItem.Read(r, Tier, ImService.AllMemberPush).Result!, probe);
    }

    private static long RunSetRows(int users, AllocationProbe? probe)
    {
        var records = Enumerable.Range(0, users)
            .Select(i => PipelineRecord.FromObject(new object(), new[] { new KeyValuePair<string, object?>("UserId", UserId(i)), new KeyValuePair<string, object?>("tier", "gold") }))
            .ToArray();
        return Measure(users, Answers.Ok, connection => BulkOperations.Set(connection), records, r => SetItem.Read(r, null, ImService.AllMemberPush).Result!, probe);
    }

    private static long RunGet(int users, AllocationProbe? probe)
    {
        var records = Enumerable.Range(0, users).Select(i => PipelineRecord.ForUserId(UserId(i))).ToArray();
        return Measure(users, Answers.GetOf(users), connection => BulkOperations.Get(connection), records, r => GetItem.Read(r, ImService.AllMemberPush).Result!, probe);
    }

    private static long RunRemove(int users, AllocationProbe? probe)
    {
        var records = Enumerable.Range(0, users).Select(i => PipelineRecord.ForUserId(UserId(i))).ToArray();
        return Measure(users, Answers.Ok, connection => BulkOperations.Remove(connection), records, r => RemoveItem.Read(r, TierName, ImService.AllMemberPush).Result!, probe);
    }

    private static string UserId(int i) => "user" + i.ToString(CultureInfo.InvariantCulture);

    private static long Measure<TItem, TResult>(int users, Answers answers, Func<ImConnection, IBatchOperation<TItem, TResult>> operation, PipelineRecord[] records, Func<PipelineRecord, TItem> read, AllocationProbe? probe)
        where TItem : class
        where TResult : class
    {
        using var handler = new CannedHandler(answers);
        using var connection = ImConnection.Open(new ImConnectionSettings
        {
            SdkAppId = 1400000000,
            Identifier = "administrator",
            SecretKey = Encoding.UTF8.GetBytes(BenchServer.App.SecretKey),
            BaseUri = new Uri("http://127.0.0.1:9/"),
            CallsPerSecond = 0,
        }, handler);
        var sink = new NullSink<TResult>();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        probe?.Start();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        using (var engine = new BatchEngine<TItem, TResult>(operation(connection), new EngineOptions(), sink))
        {
            for (var i = 0; i < users; i++) engine.Add(read(records[i]));
            engine.Complete();
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        probe?.Stop();
        if (sink.Results != users) throw new InvalidOperationException($"{sink.Results} results for {users} users; first failure: {sink.FirstFailure}");
        GC.KeepAlive(records);
        return allocated;
    }

    /// <summary>The answers, made before the run: OK for set and remove; for get, one body per batch of 100 users in order.</summary>
    private sealed class Answers
    {
        public static readonly Answers Ok = new(null);

        private static readonly byte[] OkBody = Encoding.UTF8.GetBytes("""{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""}""");
        private readonly byte[][]? _batches;

        private Answers(byte[][]? batches) => _batches = batches;

        public static Answers GetOf(int users) => new(Enumerable.Range(0, (users + 99) / 100).Select(b =>
            Encoding.UTF8.GetBytes("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"UserAttrs\":[" +
                string.Join(",", Enumerable.Range(b * 100, Math.Min(100, users - b * 100)).Select(i => "{\"To_Account\":\"" + UserId(i) + "\",\"Attrs\":{\"tier\":\"gold\"}}")) + "]}")).ToArray());

        /// <summary>The body for a request: get's is found by the number of the first user it names (no allocation).</summary>
        public byte[] For(ReadOnlySpan<byte> request)
        {
            if (_batches is null) return OkBody;
            var at = request.IndexOf("\"user"u8);
            var number = 0;
            for (var i = at + 5; i < request.Length && request[i] is >= (byte)'0' and <= (byte)'9'; i++) number = number * 10 + (request[i] - '0');
            return _batches[number / 100];
        }
    }

    /// <summary>Answers from <see cref="Answers"/>; reads each request into a buffer of its own thread (the request's body is written as it would be to a socket).</summary>
    private sealed class CannedHandler : HttpMessageHandler
    {
        [ThreadStatic]
        private static MemoryStream? t_buffer;

        private readonly Answers _answers;

        public CannedHandler(Answers answers) => _answers = answers;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var buffer = t_buffer ??= new MemoryStream(64 * 1024);
            buffer.SetLength(0);
            await request.Content!.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            var body = _answers.For(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body), RequestMessage = request };
        }
    }

    private sealed class NullSink<TResult> : IEngineSink<TResult>
        where TResult : class
    {
        public long Results { get; private set; }
        public string? FirstFailure { get; private set; }

        public void OnResult(TResult result) => Results++;

        public void OnFailure(ItemFailure failure) => FirstFailure ??= $"{failure.ErrorId}: {failure.Exception.Message}";

        public void OnVerbose(string line)
        {
        }

        public void OnProgress(ProgressReport report)
        {
        }
    }
}

/// <summary>
/// Which types the allocations are (--alloc-types): the runtime's allocation ticks (one event about every 100 KB
/// allocated, naming the type of the object that crossed the mark), summed by type. A sample, not a count: types that
/// make up a few bytes per user may not show; the large ones do, in proportion.
/// </summary>
internal sealed class AllocationProbe : EventListener
{
    private const int AllocationTickEvent = 10;
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);
    // The events reach the listener later than they happen: they are kept by the time they were written.
    private DateTime _from = DateTime.MaxValue, _to = DateTime.MaxValue;

    public void Start() => _from = DateTime.UtcNow;

    public void Stop() => _to = DateTime.UtcNow;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        // The GC keyword at verbose level carries GCAllocationTick.
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != AllocationTickEvent || eventData.PayloadNames is null || eventData.TimeStamp < _from || eventData.TimeStamp > _to) return;
        var type = eventData.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload![t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload![a], CultureInfo.InvariantCulture) : 0;
        lock (_bytes) _bytes[type] = _bytes.TryGetValue(type, out var sum) ? sum + amount : amount;
    }

    public void Print(int users)
    {
        Thread.Sleep(1_000); // let the last events arrive
        lock (_bytes)
        {
            foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(25))
            {
                Console.WriteLine("      {0,8:N0} bytes/user  {1}", bytes / (double)users, type);
            }
        }
    }
}
