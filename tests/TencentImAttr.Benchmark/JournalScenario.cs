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
/// throughput ratio, and the journal's bytes per user. Figures, not assertions.
/// </summary>
internal static class JournalScenario
{
    private const string UserSig = "bench-usersig";

    /// <summary>Runs both and prints them; returns the RESULT fields and the throughput ratio.</summary>
    public static (string Fields, double Ratio) Run(int users, int latencyMs)
    {
        var service = new EmulatedImService(new EmulatorOptions { StaticUserSig = UserSig, Quota = 100, Seed = 23 });
        using var connection = ImConnection.Open(new ImConnectionSettings
        {
            SdkAppId = 1400000000,
            Identifier = "administrator",
            UserSig = UserSig,
            BaseUri = new Uri("http://127.0.0.1:1/"),
            CallsPerSecond = 100,
        }, new DelayedServiceHandler(service, latencyMs));
        AppAttributeNames.SetAsync(connection, AppAttributeNames.BuildRequest(new[] { "tier", "city" }, null, connection.Service), null, CancellationToken.None).GetAwaiter().GetResult();
        static string Id(int i) => "juser" + i.ToString("D6", CultureInfo.InvariantCulture);
        SetItem Item(int i, string tier) => SetItem.Read(PipelineRecord.ForUserId(Id(i)), new Hashtable { ["tier"] = tier, ["city"] = "c" + (i % 97) }, connection.Service).Result!;

        var plain = Drive(BulkOperations.Set(connection), users, i => Item(i, "plain"), null);
        var folder = Path.Combine(Path.GetTempPath(), "imbench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var path = Path.Combine(folder, "set.jsonl");
            (double UsersPerSecond, long Failed) journaled;
            using (var journal = RunJournal.Create(path, new JournalHeader { Command = "Set-ImUserAttribute", AppId = connection.SdkAppId, Service = connection.Service.ToString() }))
            {
                var op = JournaledRuns.Wrap(BulkOperations.Set(connection), BulkOperations.Get(connection), new SetJournalShape(), journal);
                journaled = Drive(op, users, i => Item(i, "journaled"), op);
            }
            var bytes = new FileInfo(path).Length;
            var ratio = plain.UsersPerSecond > 0 ? journaled.UsersPerSecond / plain.UsersPerSecond : 0;
            Console.WriteLine("Run journal (issue 23): {0:N0} users, emulator in process, quota 100 calls/s per API, {1} ms per answer", users, latencyMs);
            Console.WriteLine("  plain Set            {0,10:N0} users/s  {1:N0} failed", plain.UsersPerSecond, plain.Failed);
            Console.WriteLine("  journaled Set        {0,10:N0} users/s  {1:N0} failed  (a read call per write call, intents flushed to disk before each send)", journaled.UsersPerSecond, journaled.Failed);
            Console.WriteLine("  ratio                {0,10:N2}", ratio);
            Console.WriteLine("  journal              {0,10:N0} bytes, {1:N1} bytes per user", bytes, (double)bytes / users);
            Console.WriteLine();
            return (string.Format(CultureInfo.InvariantCulture, " journal_users={0} journal_plain_users_per_s={1:F0} journal_users_per_s={2:F0} journal_ratio={3:F3} journal_bytes_per_user={4:F1}",
                users, plain.UsersPerSecond, journaled.UsersPerSecond, ratio, (double)bytes / users), ratio);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
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
