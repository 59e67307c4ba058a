using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Journal;

/// <summary>-Resume in the core: done items are skipped, unknown ones are read back and written only if they differ, an input that differs stops before it is sent.</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "imresume-" + Guid.NewGuid().ToString("N"));

    public ResumeTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly JournalHeader Header = new() { Command = "Set-ImUserAttribute", AppId = TestConnections.AppId, Endpoint = "https://im.example.test/", Service = "AllMemberPush" };

    private static IEnumerable<ItemOutcome<SetItem>> Input(int count, Func<int, string>? user = null) =>
        Enumerable.Range(0, count).Select(i => ItemOutcome<SetItem>.Success(new SetItem(user?.Invoke(i) ?? "u" + i, new Dictionary<string, string>(StringComparer.Ordinal) { ["city"] = "c" + i })));

    private static ListSink<UserAttributes> Run(JournaledWrites<SetItem, UserAttributes, UserAttributes> op, IEnumerable<ItemOutcome<SetItem>> input)
    {
        var sink = new ListSink<UserAttributes>();
        using var engine = new BatchEngine<SetItem, UserAttributes>(op, new EngineOptions { ThrottleLimit = 4 }, sink);
        foreach (var item in input)
        {
            if (op.Received(item)) engine.Add(item.Result!);
        }
        engine.Complete();
        return sink;
    }

    private static JournaledWrites<SetItem, UserAttributes, UserAttributes> Journaled(Core.Connection.ImConnection connection, RunJournal journal, ResumeIndex? index = null) =>
        JournaledRuns.Wrap(BulkOperations.Set(connection, maxRetry: 0), BulkOperations.Get(connection), new SetJournalShape(), journal, index);

    private static HashSet<string> UsersWritten(StubHttpHandler handler) => handler.Requests.Where(r => r.Api == "im_set_attr")
        .SelectMany(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("UserAttrs").EnumerateArray().Select(u => u.GetProperty("To_Account").GetString()!))
        .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void AResumedRunSkipsWhatIsDone_SendsTheRest_AndAppendsToTheSameJournal()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        var path = Path.Combine(_folder, "run.jsonl");
        using (var first = TestConnections.Open(emulator.CreateHandler()))
        using (var journal = RunJournal.Create(path, Header))
        {
            // The interrupted run: it got through the first 300 users of 500.
            Run(Journaled(first, journal), Input(300));
        }
        var handler = emulator.CreateHandler();
        using var connection = TestConnections.Open(handler);
        var index = ResumeIndex.Load(path, Header);
        JournaledWrites<SetItem, UserAttributes, UserAttributes> op;
        using (var journal = RunJournal.Resume(path, Header, index.LastCall))
        {
            op = Journaled(connection, journal, index);
            Assert.Empty(Run(op, Input(500)).Failures);
        }
        Assert.Equal(300, op.Skipped);
        var written = UsersWritten(handler);
        Assert.Equal(200, written.Count);
        Assert.All(Enumerable.Range(0, 300), i => Assert.DoesNotContain("u" + i, written));
        Assert.All(Enumerable.Range(0, 500), i => Assert.Equal("c" + i, emulator.AttributesOf("u" + i)!["city"]));
        var read = JournalReader.Read(path).ToList();
        Assert.Equal(2, read.OfType<RunJournalHeader>().Count());
        Assert.Equal(500, read.OfType<RunJournalRecord>().Count(r => r.Outcome == "Done"));
    }

    [Fact]
    public void AnInputThatDiffersFromTheJournalStopsWithJournalMismatchNamingThePosition_BeforeItIsSent()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        var path = Path.Combine(_folder, "mismatch.jsonl");
        using (var first = TestConnections.Open(emulator.CreateHandler()))
        using (var journal = RunJournal.Create(path, Header))
        {
            Run(Journaled(first, journal), Input(50));
        }
        var handler = emulator.CreateHandler();
        using var connection = TestConnections.Open(handler);
        var index = ResumeIndex.Load(path, Header);
        using var resumed = RunJournal.Resume(path, Header, index.LastCall);
        var e = Assert.Throws<ImInputException>(() => Run(Journaled(connection, resumed, index), Input(60, i => i == 7 ? "someone-else" : "u" + i)));
        Assert.Equal(ErrorIds.JournalMismatch, e.ErrorId);
        Assert.Contains("position 7", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(handler.Requests, r => r.Api == "im_set_attr");

        var other = new JournalHeader { Command = "Remove-ImUserAttribute", AppId = Header.AppId, Endpoint = Header.Endpoint, Service = Header.Service };
        Assert.Contains("line 1", Assert.Throws<ImInputException>(() => ResumeIndex.Load(path, other)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ItemsOfUnknownOutcomeAreReadBackAndWrittenOnlyIfTheyDiffer()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        var path = Path.Combine(_folder, "unknown.jsonl");
        // The first write call is applied and its answer lost: its 100 users end Unknown.
        using (var first = TestConnections.Open(emulator.CreateHandlerLosingFirstAnswerOf("im_set_attr"), maxRetry: 0))
        using (var journal = RunJournal.Create(path, Header))
        {
            Assert.Equal(100, Run(Journaled(first, journal), Input(100)).Failures.Count(f => f.OutcomeUnknown));
        }
        emulator.Seed("u5", new System.Collections.Hashtable { ["city"] = "changed since" });
        var handler = emulator.CreateHandler();
        using var connection = TestConnections.Open(handler);
        var index = ResumeIndex.Load(path, Header);
        using (var journal = RunJournal.Resume(path, Header, index.LastCall))
        {
            Run(Journaled(connection, journal, index), Input(100));
        }
        Assert.Equal(new[] { "u5" }, UsersWritten(handler));
        Assert.Equal("c5", emulator.AttributesOf("u5")!["city"]);
    }
    private static ListSink<SyncResult<AttributeDrift>> RunReplace(JournaledWrites<SetItem, SyncResult<AttributeDrift>, UserAttributes> op, IEnumerable<ItemOutcome<SetItem>> input)
    {
        var sink = new ListSink<SyncResult<AttributeDrift>>();
        using var engine = new BatchEngine<SetItem, SyncResult<AttributeDrift>>(op, new EngineOptions { ThrottleLimit = 4, BatchSize = SyncCalls.UsersPerSync }, sink);
        foreach (var item in input)
        {
            if (op.Received(item)) engine.Add(item.Result!);
        }
        engine.Complete();
        return sink;
    }

    private static JournaledWrites<SetItem, SyncResult<AttributeDrift>, UserAttributes> JournaledReplace(Core.Connection.ImConnection connection, RunJournal journal, ResumeIndex? index = null) =>
        JournaledRuns.Wrap(BulkOperations.ReplaceAttributes(connection, 4, (_, _) => true, maxRetry: 0), BulkOperations.Get(connection), new ReplaceJournalShape(), journal, index);

    private static readonly JournalHeader ReplaceHeader = new()
    {
        Command = "Set-ImUserAttribute", AppId = TestConnections.AppId, Endpoint = "https://im.example.test/", Service = "AllMemberPush",
        Parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Replace"] = "True" },
    };

    private static IEnumerable<string> UsersRead(StubHttpHandler handler) => handler.Requests.Where(r => r.Api == "im_get_attr")
        .SelectMany(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("To_Account").EnumerateArray().Select(u => u.GetString()!));

    [Fact]
    public void AReplaceItemOfUnknownOutcome_IsReadBackOnce_AndSyncedOnlyWhenItDiffers()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city", "tier");
        for (var i = 0; i < 100; i++) emulator.Seed("u" + i, new System.Collections.Hashtable { ["tier"] = "gold" });
        var path = Path.Combine(_folder, "replace-unknown.jsonl");
        // The sync's set call is applied and its answer lost: its 100 users end Unknown.
        using (var first = TestConnections.Open(emulator.CreateHandlerLosingFirstAnswerOf("im_set_attr"), maxRetry: 0))
        using (var journal = RunJournal.Create(path, ReplaceHeader))
        {
            Assert.Equal(100, RunReplace(JournaledReplace(first, journal), Input(100)).Failures.Count(f => f.OutcomeUnknown));
        }
        Assert.All(JournalReader.Read(path).OfType<RunJournalRecord>(), r => Assert.Equal("Unknown", r.Outcome));
        emulator.Seed("u5", new System.Collections.Hashtable { ["city"] = "changed since", ["tier"] = "gold" });
        var handler = emulator.CreateHandler();
        using var connection = TestConnections.Open(handler);
        var index = ResumeIndex.Load(path, ReplaceHeader);
        ListSink<SyncResult<AttributeDrift>> resumed;
        using (var journal = RunJournal.Resume(path, ReplaceHeader, index.LastCall))
        {
            resumed = RunReplace(JournaledReplace(connection, journal, index), Input(100));
        }
        Assert.Empty(resumed.Failures);
        // One write call, for the one user that differs; the others were read once (the journal's read), not again by the sync.
        Assert.Single(handler.Requests, r => r.Api == "im_set_attr");
        Assert.Equal(new[] { "u5" }, UsersWritten(handler));
        Assert.Equal(101, UsersRead(handler).Count());
        Assert.Equal("c5", emulator.AttributesOf("u5")!["city"]);
        // The 99 found applied are unchanged (no drift, nothing written), as the sync counts a user equal to the source.
        Assert.Equal(99, resumed.Results.Count(r => r.Drift is null && !r.Applied));
        var records = JournalReader.Read(path).OfType<RunJournalRecord>().Where(r => r.Line > 1).ToList();
        Assert.Equal(100, records.Count(r => r.Outcome == "Done" && r.Call > index.LastCall));
        var u5 = records.Single(r => r.UserId == "u5" && r.Call > index.LastCall);
        Assert.Equal("c5", u5.AppliedSet!["city"]);
        Assert.All(records.Where(r => r.UserId != "u5" && r.Call > index.LastCall), r => Assert.Empty(r.AppliedSet!));
    }
}
