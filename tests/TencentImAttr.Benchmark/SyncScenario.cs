using System;
using System.Collections;
using System.Globalization;
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
using TencentImAttr.Emulator;
using TencentImAttr.Models;

namespace TencentImAttr.Benchmark;

/// <summary>
/// Issue 17's cost figure: the write calls of a nightly sync where 1 % of the users changed, against a blind Set of the
/// same source. The emulator answers in process (its rules, values kept; no latency, no quota: only calls are counted,
/// from the run's own counters, which count every HTTP attempt). The changed users are scattered (every 100th), so
/// the figure shows that the writes fill their calls whichever read found the change.
/// </summary>
internal static class SyncScenario
{
    private const string UserSig = "bench-usersig";

    /// <summary>Runs the three runs and prints them; returns the RESULT fields and the ratio of write calls.</summary>
    public static (string Fields, double Ratio) Run(int users)
    {
        var service = new EmulatedImService(new EmulatorOptions { StaticUserSig = UserSig, Quota = 0, Seed = 17 });
        using var connection = ImConnection.Open(new ImConnectionSettings
        {
            SdkAppId = 1400000000,
            Identifier = "administrator",
            UserSig = UserSig,
            BaseUri = new Uri("http://127.0.0.1:1/"),
            CallsPerSecond = 0,
        }, new ServiceHandler(service));
        AppAttributeNames.SetAsync(connection, AppAttributeNames.BuildRequest(new[] { "tier", "city" }, null, connection.Service), null, CancellationToken.None).GetAwaiter().GetResult();
        static string Id(int i) => "user" + i.ToString("D6", CultureInfo.InvariantCulture);
        static Hashtable Source(int i) => new() { ["tier"] = "t" + (i % 5), ["city"] = "c" + (i % 97) };

        var blind = Drive(BulkOperations.Set(connection), users, i => SetItem.Read(PipelineRecord.ForUserId(Id(i)), Source(i), connection.Service).Result!, new EngineOptions());
        // 1 % drift since: every 100th user's city moved (a blind Set of those users only, not counted).
        var changed = users / 100;
        using (var drift = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions(), new Quiet<UserAttributes>()))
        {
            for (var i = 37; i < users; i += 100) drift.Add(SetItem.Read(PipelineRecord.ForUserId(Id(i)), new Hashtable { ["city"] = "moved" }, connection.Service).Result!);
            drift.Complete();
        }
        var sync = Drive(BulkOperations.ReplaceAttributes(connection, ImConnection.DefaultThrottleLimit, (_, _) => true), users,
            i => SetItem.Read(PipelineRecord.ForUserId(Id(i)), Source(i), connection.Service, replace: true, removeUnlisted: true).Result!, new EngineOptions { BatchSize = SyncCalls.UsersPerSync });
        var ratio = blind.WriteCalls > 0 ? (double)sync.WriteCalls / blind.WriteCalls : 0;

        Console.WriteLine("Sync cost (issue 17): {0:N0} users, {1:N0} of them changed (1 %, scattered), emulator in process", users, changed);
        Console.WriteLine("  blind Set            {0,8:N0} write calls  {1,8:N0} read calls  {2:N0} failed", blind.WriteCalls, blind.ReadCalls, blind.Failed);
        Console.WriteLine("  Set -Replace         {0,8:N0} write calls  {1,8:N0} read calls  {2:N0} failed, {3:N0} drifted", sync.WriteCalls, sync.ReadCalls, sync.Failed, sync.Drifted);
        Console.WriteLine("  writes, sync / blind {0,8:P2}  (the reads are the sync's price: one per 100 users, and the names once)", ratio);
        Console.WriteLine();
        return (string.Format(CultureInfo.InvariantCulture, " sync_users={0} sync_blind_write_calls={1} sync_replace_write_calls={2} sync_replace_read_calls={3} sync_write_ratio={4:F4}",
            users, blind.WriteCalls, sync.WriteCalls, sync.ReadCalls, ratio), ratio);
    }

    private static BulkRunSummary Drive<TItem, TResult>(IBatchOperation<TItem, TResult> operation, int users, Func<int, TItem> item, EngineOptions options)
        where TItem : class
        where TResult : class
    {
        using var engine = new BatchEngine<TItem, TResult>(operation, options, new Quiet<TResult>());
        for (var i = 0; i < users; i++) engine.Add(item(i));
        engine.Complete();
        return engine.Summary("sync", stopped: false);
    }

    private sealed class Quiet<TResult> : IEngineSink<TResult>
        where TResult : class
    {
        public void OnResult(TResult result) { }
        public void OnFailure(ItemFailure failure) => Console.WriteLine("  failure: {0}", failure);
        public void OnVerbose(string line) { }
        public void OnProgress(ProgressReport report) { }
    }

    /// <summary>Answers each request with the emulator's rules, in process.</summary>
    private sealed class ServiceHandler : HttpMessageHandler
    {
        private readonly EmulatedImService _service;

        public ServiceHandler(EmulatedImService service) => _service = service;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var uri = request.RequestUri!;
            var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "", StringComparer.Ordinal);
            var answer = _service.Handle(uri.AbsolutePath, query, body);
            return new HttpResponseMessage((HttpStatusCode)answer.Status) { Content = new StringContent(answer.Text, Encoding.UTF8, "application/json") };
        }
    }
}
