using System;
using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;
using TencentImAttr.Emulator;
using TencentImAttr.Models;

namespace TencentImAttr.Benchmark;

/// <summary>
/// Issue 23's figures: a journaled Set (-JournalPath: each call's users read first, intents flushed to the disk before
/// the send, outcomes after) against a plain Set of the same users, in the same process, one after the other, at the
/// quota (the emulator in process with its quota of 100 calls per second per API, and a latency per answer): the
/// throughput ratio, and the journal's bytes per user. Then Undo-ImRun's core (the whole-file check, the backward
/// read, several batches in flight) undoes that journal at the same latency and quota (its users/s as a ratio to the
/// plain Set's), and undoes journals of N and 10 x N users with the quota lifted, recording the memory it held
/// (peak heap after a collection, above the baseline taken once the emulator holds the users): flat memory shows as
/// two close figures. Figures, not assertions.
/// </summary>
internal static class JournalScenario
{
    private const string UserSig = "bench-usersig";

    /// <summary>Runs both and prints them; returns the RESULT fields and the throughput ratio.</summary>
    public static (string Fields, double Ratio) Run(int users, int latencyMs, int undoMemoryUsers)
    {
        var service = new EmulatedImService(new EmulatorOptions { StaticUserSig = UserSig, Quota = 100, Seed = 23 });
        using var connection = Open(service, callsPerSecond: 100, latencyMs);
        AppAttributeNames.SetAsync(connection, AppAttributeNames.BuildRequest(new[] { "tier", "city" }, null, connection.Service), null, CancellationToken.None).GetAwaiter().GetResult();
        SetItem Item(int i, string tier) => SetItem.Read(PipelineRecord.ForUserId(Id(i)), new Hashtable { ["tier"] = tier, ["city"] = "c" + (i % 97) }, connection.Service).Result!;

        var plain = Drive(BulkOperations.Set(connection), users, i => Item(i, "plain"), null);
        var folder = Path.Combine(Path.GetTempPath(), "imbench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, "set.jsonl");
            (double UsersPerSecond, long Failed) journaled;
            using (var journal = RunJournal.Create(path, HeaderFor(connection)))
            {
                var op = JournaledRuns.Wrap(BulkOperations.Set(connection), BulkOperations.Get(connection), new SetJournalShape(), journal);
                journaled = Drive(op, users, i => Item(i, "journaled"), op);
            }
            var bytes = new FileInfo(path).Length;
            var ratio = plain.UsersPerSecond > 0 ? journaled.UsersPerSecond / plain.UsersPerSecond : 0;
            var undo = Undo(connection, path);
            var undoRatio = plain.UsersPerSecond > 0 ? undo.UsersPerSecond / plain.UsersPerSecond : 0;
            var small = UndoHeld(undoMemoryUsers, folder);
            var large = UndoHeld(undoMemoryUsers * 10, folder);
            Console.WriteLine("Run journal (issue 23): {0:N0} users, emulator in process, quota 100 calls/s per API, {1} ms per answer", users, latencyMs);
            Console.WriteLine("  plain Set            {0,10:N0} users/s  {1:N0} failed", plain.UsersPerSecond, plain.Failed);
            Console.WriteLine("  journaled Set        {0,10:N0} users/s  {1:N0} failed  (a read call per write call, intents flushed to disk before each send)", journaled.UsersPerSecond, journaled.Failed);
            Console.WriteLine("  ratio                {0,10:N2}", ratio);
            Console.WriteLine("  journal              {0,10:N0} bytes, {1:N1} bytes per user", bytes, (double)bytes / users);
            Console.WriteLine("  undo of that journal {0,10:N0} users/s  {1:N0} restored, {2:N0} failed, up to {3} batches in flight (the whole file checked first: {4:P1} of the time, then read backwards)",
                undo.UsersPerSecond, undo.Restored, undo.Failed, undo.PeakInFlight, undo.CheckShare);
            Console.WriteLine("  undo ratio           {0,10:N2}  (to the plain Set's users/s)", undoRatio);
            Console.WriteLine("  undo, quota lifted   {0,10:N1} MB held for {1:N0} users ({2:N0} users/s), {3:N1} MB for {4:N0} users ({5:N0} users/s; the check {6:P0} of the time)  (peak heap after a GC, above baseline)",
                small.HeldMb, undoMemoryUsers, small.UsersPerSecond, large.HeldMb, undoMemoryUsers * 10, large.UsersPerSecond, large.CheckShare);
            Console.WriteLine();
            return (string.Format(CultureInfo.InvariantCulture,
                " journal_users={0} journal_plain_users_per_s={1:F0} journal_users_per_s={2:F0} journal_ratio={3:F3} journal_bytes_per_user={4:F1} undo_users_per_s={5:F0} undo_ratio={6:F3} undo_n={7} undo_held_mb_n={8:F1} undo_held_mb_10n={9:F1}",
                users, plain.UsersPerSecond, journaled.UsersPerSecond, ratio, (double)bytes / users, undo.UsersPerSecond, undoRatio, undoMemoryUsers, small.HeldMb, large.HeldMb), ratio);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static JournalHeader HeaderFor(ImConnection connection) => new()
    {
        Command = "Set-ImUserAttribute",
        AppId = connection.SdkAppId,
        Endpoint = connection.BaseUri.GetLeftPart(UriPartial.Path),
        Service = connection.Service.ToString(),
        Started = DateTimeOffset.UtcNow,
    };

    private static ImConnection Open(EmulatedImService service, int callsPerSecond, int latencyMs) => ImConnection.Open(new ImConnectionSettings
    {
        SdkAppId = 1400000000,
        Identifier = "administrator",
        UserSig = UserSig,
        BaseUri = new Uri("http://127.0.0.1:1/"),
        CallsPerSecond = callsPerSecond,
    }, new DelayedServiceHandler(service, latencyMs));

    /// <summary>Undo-ImRun's core over <paramref name="path"/>, as the cmdlet drives it: the whole file checked, then undone backwards, several batches in flight.</summary>
    private static (double UsersPerSecond, long Restored, long Failed, int PeakInFlight, double CheckShare) Undo(ImConnection connection, string path)
    {
        var clock = Stopwatch.StartNew();
        var users = 0L;
        RunUndo.CheckJournal(path, connection, null, CancellationToken.None);
        var checkedAt = clock.Elapsed;
        var undo = new RunUndo(connection, overwrite: false, journal: null, DateTimeOffset.MinValue, TimeSpan.Zero);
        var scheduler = new UndoScheduler(undo, apply: true, connection.ThrottleLimit);
        var sink = new UndoCounts();
        using (var log = new QueuedCallLog())
        {
            scheduler.Run(JournalBackwardReader.Read(path).Select(e => { if (e is RunJournalRecord) users++; return e; }), log, sink, CancellationToken.None);
        }
        return (users / clock.Elapsed.TotalSeconds, sink.Restored, sink.Failed, scheduler.PeakInFlight, checkedAt.TotalSeconds / clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The memory an undo of <paramref name="users"/> holds, the quota lifted: a journal of a run is written (100 users
    /// a call, each set from "before" to "after") and undone against a server that keeps nothing (every user holds
    /// "after"); the baseline is taken then, so that the figure is the undo's alone.
    /// </summary>
    private static (double HeldMb, double UsersPerSecond, double CheckShare) UndoHeld(int users, string folder)
    {
        // A server that keeps nothing: every user holds tier=after, every restore succeeds. The emulator's store would
        // hold a value per user in this process, and its replaced values would linger in gen2: the heap would grow
        // with the users whatever the undo holds.
        using var connection = ImConnection.Open(new ImConnectionSettings
        {
            SdkAppId = 1400000000, Identifier = "administrator", UserSig = UserSig, BaseUri = new Uri("http://127.0.0.1:1/"), CallsPerSecond = 0,
        }, new StorelessHandler());
        var path = Path.Combine(folder, "undo-" + users.ToString(CultureInfo.InvariantCulture) + ".jsonl");
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            var header = HeaderFor(connection);
            writer.Write("{\"type\":\"header\",\"format\":\"" + RunJournal.FormatName + "\",\"version\":1,\"command\":\"" + header.Command + "\",\"appId\":" + header.AppId.ToString(CultureInfo.InvariantCulture) +
                ",\"endpoint\":\"" + header.Endpoint + "\",\"service\":\"" + header.Service + "\"}\n");
            for (var call = 0; call * 100 < users; call++)
            {
                var from = call * 100;
                var to = Math.Min(users, from + 100);
                for (var i = from; i < to; i++) writer.Write(string.Format(CultureInfo.InvariantCulture, "{{\"type\":\"intent\",\"call\":{0},\"pos\":[{1}],\"user\":\"{2}\",\"set\":{{\"tier\":\"after\"}},\"prior\":{{\"tier\":\"before\"}}}}\n", call + 1, i, Id(i)));
                for (var i = from; i < to; i++) writer.Write(string.Format(CultureInfo.InvariantCulture, "{{\"type\":\"outcome\",\"call\":{0},\"pos\":[{1}],\"user\":\"{2}\",\"outcome\":\"Done\"}}\n", call + 1, i, Id(i)));
            }
        }
        var sampler = MemorySampler.Start();
        var undo = Undo(connection, path);
        var memory = sampler.Stop();
        File.Delete(path);
        if (undo.Restored != users) Console.WriteLine("  (undo of {0:N0} users restored {1:N0}, {2:N0} failed)", users, undo.Restored, undo.Failed);
        return (memory.PeakHeapAfterGcAboveBaselineMb, undo.UsersPerSecond, undo.CheckShare);
    }

    private static string Id(int i) => "juser" + i.ToString("D7", CultureInfo.InvariantCulture);

    private sealed class UndoCounts : IUndoSink
    {
        public long Restored { get; private set; }
        public long Failed { get; private set; }
        public void OnBatch(UndoBatch batch)
        {
            Restored += batch.Steps.Count(s => s.Action == UndoActions.Restore);
            Failed += batch.Failures.Count;
        }
        public void OnLog()
        {
        }
    }

    private static (double UsersPerSecond, long Failed) Drive(IBatchOperation<SetItem, UserAttributes> operation, int users, Func<int, SetItem> item, JournaledWrites<SetItem, UserAttributes, UserAttributes>? journal)
    {
        var sink = new Quiet();
        var clock = Stopwatch.StartNew();
        using (var engine = new BatchEngine<SetItem, UserAttributes>(operation, new EngineOptions(), sink))
        {
            for (var i = 0; i < users; i++)
            {
                var next = item(i);
                if (journal is null || journal.Received(ItemOutcome<SetItem>.Success(next))) engine.Add(next);
            }
            engine.Complete();
        }
        return (users / clock.Elapsed.TotalSeconds, sink.Failed);
    }

    private sealed class Quiet : IEngineSink<UserAttributes>
    {
        public long Failed { get; private set; }
        public void OnResult(UserAttributes result) { }
        public void OnFailure(ItemFailure failure) => Failed++;
        public void OnVerbose(string line) { }
        public void OnProgress(ProgressReport report) { }
    }

    /// <summary>Answers im_get_attr with tier=after for every user asked, and everything else with OK: no state at all.</summary>
    private sealed class StorelessHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var text = "{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0}";
            if (request.RequestUri!.AbsolutePath.EndsWith("/im_get_attr", StringComparison.Ordinal))
            {
                var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                using var asked = System.Text.Json.JsonDocument.Parse(body);
                var answer = new StringBuilder("{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0,\"UserAttrs\":[");
                var first = true;
                foreach (var user in asked.RootElement.GetProperty("To_Account").EnumerateArray())
                {
                    answer.Append(first ? "" : ",").Append("{\"To_Account\":\"").Append(user.GetString()).Append("\",\"Attrs\":{\"tier\":\"after\"}}");
                    first = false;
                }
                text = answer.Append("]}").ToString();
            }
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(text, Encoding.UTF8, "application/json") };
        }
    }

    private sealed class DelayedServiceHandler : HttpMessageHandler
    {
        private readonly EmulatedImService _service;
        private readonly int _latencyMs;

        public DelayedServiceHandler(EmulatedImService service, int latencyMs)
        {
            _service = service;
            _latencyMs = latencyMs;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var uri = request.RequestUri!;
            var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "", StringComparer.Ordinal);
            var answer = _service.Handle(uri.AbsolutePath, query, body);
            if (_latencyMs > 0) await Task.Delay(_latencyMs, cancellationToken).ConfigureAwait(false);
            return new HttpResponseMessage((HttpStatusCode)answer.Status) { Content = new StringContent(answer.Text, Encoding.UTF8, "application/json") };
        }
    }
}
