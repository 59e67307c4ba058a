using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;
using TencentImAttr.Testing;
using Xunit;
using static TencentImAttr.Tests.Journal.JournalBackwardReaderTests;

namespace TencentImAttr.Tests.Journal;

/// <summary>
/// Undo-ImRun's pace and order in the core, against the emulator in process: records undone latest first (so a user
/// set several times gets the first prior of each name back), several batches in flight at once, a batch with a user
/// still in flight waiting for that batch's read and restore, -WhatIf planning a repeated user against its later
/// record's restore, and a failure or Ctrl+C stopping everything. Gates, never timing.
/// </summary>
public sealed class UndoSchedulerTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "imundo-" + Guid.NewGuid().ToString("N"));
    private readonly QueuedCallLog _log = new();

    public UndoSchedulerTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        _log.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed class Sink : IUndoSink
    {
        public List<UndoBatch> Batches { get; } = new();
        public List<Models.RunUndoStep> Steps => Batches.SelectMany(b => b.Steps).ToList();
        public void OnBatch(UndoBatch batch) => Batches.Add(batch);
        public void OnLog()
        {
        }
    }

    private string Write(IEnumerable<string> lines)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    private Sink Undo(ImConnection connection, string path, bool apply = true, int inFlight = 8, CancellationToken cancellationToken = default)
    {
        var sink = new Sink();
        var undo = new RunUndo(connection, overwrite: false, journal: null, DateTimeOffset.MinValue, TimeSpan.Zero);
        new UndoScheduler(undo, apply, inFlight).Run(JournalBackwardReader.Read(path), _log, sink, cancellationToken);
        return sink;
    }

    /// <summary>alice set three times, in three calls: city, then tier, then city again (the second call's prior is the first's value).</summary>
    private static string[] AliceThreeTimes() => new[]
    {
        Header,
        SetIntent(1, 0, "alice", "city", "Paris", "Rome"), Outcome(1, 0, "alice"),
        SetIntent(2, 1, "alice", "tier", "gold", null), Outcome(2, 1, "alice"),
        SetIntent(3, 2, "alice", "city", "Lyon", "Paris"), Outcome(3, 2, "alice"),
    };

    [Fact]
    public void AUserSetSeveralTimesWithDifferentNamesGetsTheFirstPriorOfEachNameBack()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city", "tier", "level");
        emulator.Seed("alice", new Hashtable { ["city"] = "Lyon", ["tier"] = "gold", ["level"] = "3" });
        var handler = emulator.CreateHandler();
        using var connection = TestConnections.Open(handler);

        var sink = Undo(connection, Write(AliceThreeTimes()));

        Assert.Equal(new Dictionary<string, string> { ["city"] = "Rome", ["level"] = "3" }, emulator.AttributesOf("alice"));
        Assert.Equal(new[] { "Restore", "Restore", "Restore" }, sink.Steps.Select(s => s.Action));
        Assert.Equal(new[] { "city", "tier", "city" }, sink.Steps.Select(s => s.Name));
        // Latest first, one batch per record of the user, each read after the previous one's restore.
        Assert.Equal(3, sink.Batches.Count);
        Assert.Equal(new[] { "im_get_attr", "im_set_attr", "im_get_attr", "im_remove_attr", "im_get_attr", "im_set_attr" }, handler.Requests.Select(r => r.Api).Where(a => a is "im_get_attr" or "im_set_attr" or "im_remove_attr"));
    }

    [Fact]
    public void WhatIfPlansAnEarlierRecordAgainstWhatTheLaterRecordsRestoreWouldLeave_AndWritesNothing()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city", "tier");
        emulator.Seed("alice", new Hashtable { ["city"] = "Lyon", ["tier"] = "gold" });
        var handler = emulator.CreateHandler();
        using var connection = TestConnections.Open(handler);

        var steps = Undo(connection, Write(AliceThreeTimes()), apply: false).Steps;

        Assert.Equal(new[] { "Restore", "Restore", "Restore" }, steps.Select(s => s.Action));
        // The first record's city is planned against Paris (what undoing the third would put back), not against Lyon (a conflict).
        Assert.Equal(("Lyon", "Paris"), (steps[0].Now, steps[0].Prior));
        Assert.Equal(("Paris", "Rome"), (steps[2].Now, steps[2].Prior));
        Assert.DoesNotContain(handler.Requests, r => r.Api != "im_get_attr");
        Assert.Equal("Lyon", emulator.AttributesOf("alice")!["city"]);
    }

    [Fact]
    public async Task SeveralBatchesAreInFlightAtOnce()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var threeReads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        var handler = new StubHttpHandler
        {
            Responder = r =>
            {
                var answer = emulator.Answer(r);
                if (r.Api == "im_get_attr")
                {
                    if (Interlocked.Increment(ref reads) == 3) threeReads.TrySetResult();
                    answer.Gate = gate.Task;
                }
                return answer;
            },
        };
        using var connection = TestConnections.Open(handler, throttle: 8);
        var lines = new List<string> { Header };
        for (var i = 0; i < 300; i++)
        {
            emulator.Seed("u" + i, new Hashtable { ["city"] = "Paris" });
            lines.Add(SetIntent(i / 100 + 1, i, "u" + i, "city", "Paris", "Rome"));
        }
        lines.AddRange(Enumerable.Range(0, 300).Select(i => Outcome(i / 100 + 1, i, "u" + i)));
        var path = Write(lines);

        var run = Task.Run(() => Undo(connection, path));
        // All three batches' reads are out before any answer comes: three in flight.
        await threeReads.Task.WaitAsync(HangGuard);
        Assert.Equal(3, handler.Requests.Count(r => r.Api == "im_get_attr"));
        Assert.DoesNotContain(handler.Requests, r => r.Api == "im_set_attr");
        gate.SetResult();
        var sink = await run.WaitAsync(HangGuard);
        Assert.Equal(300, sink.Steps.Count(s => s.Action == "Restore"));
        Assert.All(Enumerable.Range(0, 300), i => Assert.Equal("Rome", emulator.AttributesOf("u" + i)!["city"]));
        // Handed over in the order the batches were formed: the journal's last users first.
        Assert.Equal("u299", sink.Steps[0].UserId);
    }

    [Fact]
    public async Task ABatchWithAUserStillInFlightWaitsForThatBatchsReadAndRestore_WhileOthersGoOn()
    {
        // Backwards: batch 1 is u0..u99 (call 3), batch 2 is u0's earlier record with v1..v99 (call 2), batch 3 is w0..w99 (call 1).
        var emulator = TestConnections.Emulator();
        emulator.Register("city", "tier");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var twoReads = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        var handler = new StubHttpHandler
        {
            Responder = r =>
            {
                var answer = emulator.Answer(r);
                if (r.Api == "im_get_attr" && Interlocked.Increment(ref reads) is var n && n <= 2)
                {
                    if (n == 2) twoReads.TrySetResult();
                    answer.Gate = gate.Task;
                }
                return answer;
            },
        };
        using var connection = TestConnections.Open(handler);
        var lines = new List<string> { Header };
        void Call(int call, IEnumerable<string> users, string name, string value, string prior)
        {
            var list = users.ToList();
            lines.AddRange(list.Select((u, i) => SetIntent(call, call * 1000 + i, u, name, value, prior)));
            lines.AddRange(list.Select((u, i) => Outcome(call, call * 1000 + i, u)));
        }
        Call(1, Enumerable.Range(0, 100).Select(i => "w" + i), "city", "Paris", "Rome");
        Call(2, new[] { "u0" }.Concat(Enumerable.Range(1, 99).Select(i => "v" + i)), "city", "Paris", "Rome");
        Call(3, Enumerable.Range(0, 100).Select(i => "u" + i), "tier", "gold", "silver");
        foreach (var user in Enumerable.Range(0, 100).Select(i => "w" + i).Concat(Enumerable.Range(1, 99).Select(i => "v" + i))) emulator.Seed(user, new Hashtable { ["city"] = "Paris" });
        foreach (var user in Enumerable.Range(0, 100).Select(i => "u" + i)) emulator.Seed(user, new Hashtable { ["tier"] = "gold" });
        emulator.Seed("u0", new Hashtable { ["city"] = "Paris", ["tier"] = "gold" });
        var path = Write(lines);

        var run = Task.Run(() => Undo(connection, path));
        await twoReads.Task.WaitAsync(HangGuard);
        // Batches 1 and 3 are read; batch 2 waits for batch 1, whose read is held.
        var gets = handler.Requests.Where(r => r.Api == "im_get_attr").ToList();
        Assert.Equal(2, gets.Count);
        Assert.Contains(gets, r => r.Body.Contains("\"u1\"", StringComparison.Ordinal));
        Assert.Contains(gets, r => r.Body.Contains("\"w1\"", StringComparison.Ordinal));
        Assert.DoesNotContain(gets, r => r.Body.Contains("\"v1\"", StringComparison.Ordinal));
        gate.SetResult();
        var sink = await run.WaitAsync(HangGuard);

        var requests = handler.Requests.ToList();
        var batch1Restore = requests.FindIndex(r => r.Api == "im_set_attr" && r.Body.Contains("\"u1\"", StringComparison.Ordinal));
        var batch2Read = requests.FindIndex(r => r.Api == "im_get_attr" && r.Body.Contains("\"v1\"", StringComparison.Ordinal));
        Assert.True(batch1Restore >= 0 && batch2Read > batch1Restore, $"batch 2 read at {batch2Read}, batch 1 restored at {batch1Restore}");
        Assert.Equal(new Dictionary<string, string> { ["city"] = "Rome", ["tier"] = "silver" }, emulator.AttributesOf("u0"));
        Assert.Equal(300, sink.Steps.Count(s => s.Action == "Restore"));
    }

    [Fact]
    public void AConnectionLevelFailureStopsTheUndo_OneErrorAndNothingMoreSent()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        var handler = new StubHttpHandler
        {
            Responder = r => r.Api == "im_get_attr" && r.Body.Contains("\"u150\"", StringComparison.Ordinal) ? StubResponse.Fail(70003, "usersig invalid") : emulator.Answer(r),
        };
        using var connection = TestConnections.Open(handler, maxRetry: 0);
        var lines = new List<string> { Header };
        for (var i = 0; i < 300; i++) lines.Add(SetIntent(1 + i / 100, i, "u" + i, "city", "Paris", "Rome"));
        lines.AddRange(Enumerable.Range(0, 300).Select(i => Outcome(1 + i / 100, i, "u" + i)));
        var path = Write(lines);

        var e = Assert.Throws<ImApiException>(() => Undo(connection, path, inFlight: 1));
        Assert.True(ResponseClassifier.IsConnectionLevel(e));
        // In flight one batch at a time: the batch after the failing one's read is never sent, and neither is its restore.
        Assert.DoesNotContain(handler.Requests, r => r.Body.Contains("\"u99\"", StringComparison.Ordinal));
        Assert.DoesNotContain(handler.Requests, r => r.Api == "im_set_attr" && r.Body.Contains("\"u150\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CtrlCStopsTheUndoWhileBatchesAreInFlight_AndWaitsForThemToEnd()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new StubHttpHandler
        {
            Responder = r =>
            {
                if (r.Api == "im_get_attr")
                {
                    held.TrySetResult();
                    return StubResponse.Stalled();
                }
                return emulator.Answer(r);
            },
        };
        using var connection = TestConnections.Open(handler, timeout: TimeSpan.FromHours(1));
        var lines = new List<string> { Header };
        for (var i = 0; i < 300; i++) lines.Add(SetIntent(1 + i / 100, i, "u" + i, "city", "Paris", "Rome"));
        lines.AddRange(Enumerable.Range(0, 300).Select(i => Outcome(1 + i / 100, i, "u" + i)));
        var path = Write(lines);
        using var ctrlC = new CancellationTokenSource();

        var run = Task.Run(() => Undo(connection, path, cancellationToken: ctrlC.Token));
        await held.Task.WaitAsync(HangGuard);
        ctrlC.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(HangGuard));
        Assert.DoesNotContain(handler.Requests, r => r.Api == "im_set_attr");
    }

    [Fact]
    public void AnUndoJournaledWhileSeveralBatchesAreInFlightCanItselfBeUndone_ToTheRunsResult()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        var handler = emulator.CreateHandler();
        using var connection = TestConnections.Open(handler, throttle: 8);
        var lines = new List<string> { Header };
        for (var i = 0; i < 450; i++)
        {
            emulator.Seed("u" + i, new Hashtable { ["city"] = "Paris" });
            lines.Add(SetIntent(1 + i / 100, i, "u" + i, "city", "Paris", i % 2 == 0 ? "Rome" : null));
        }
        lines.AddRange(Enumerable.Range(0, 450).Select(i => Outcome(1 + i / 100, i, "u" + i)));
        var run = Write(lines);
        var undoPath = Path.Combine(_folder, "undo.jsonl");
        using (var journal = RunJournal.Create(undoPath, new JournalHeader
        {
            Command = "Undo-ImRun", AppId = connection.SdkAppId, Endpoint = connection.BaseUri.GetLeftPart(UriPartial.Path), Service = connection.Service.ToString(),
        }))
        {
            var undo = new RunUndo(connection, overwrite: false, journal, DateTimeOffset.MinValue, TimeSpan.Zero);
            var scheduler = new UndoScheduler(undo, apply: true, inFlightLimit: 5);
            scheduler.Run(JournalBackwardReader.Read(run), _log, new Sink(), default);
        }
        Assert.All(Enumerable.Range(0, 450), i => Assert.Equal(i % 2 == 0 ? "Rome" : null, emulator.AttributesOf("u" + i)?.GetValueOrDefault("city")));
        // Each batch's restores are one call of the undo's journal: the numbers are distinct, whichever batch wrote first.
        var calls = JournalReader.Read(undoPath).OfType<Models.RunJournalRecord>().GroupBy(r => r.Call).ToList();
        Assert.Equal(5, calls.Count);
        Assert.All(calls, c => Assert.Equal(c.Count(), c.Select(r => r.UserId).Distinct().Count()));
        Assert.Equal(450, JournalReader.Read(undoPath).OfType<Models.RunJournalRecord>().SelectMany(r => r.Positions).Distinct().Count());

        var again = Undo(connection, undoPath);
        Assert.Equal(450, again.Steps.Count(s => s.Action == "Restore"));
        Assert.All(Enumerable.Range(0, 450), i => Assert.Equal("Paris", emulator.AttributesOf("u" + i)!["city"]));
    }

    [Fact]
    public void ARestoreThatPartlyLanded_IsPartlyAppliedInTheUndosJournal_SoUndoingTheUndoTakesBackWhatLanded()
    {
        var emulator = TestConnections.Emulator();
        var tags = Enumerable.Range(0, 15).Select(t => "t" + t).ToList();
        // The run removed 15 tags from a; the undo adds them back in two parts (10, then 5), and the second part is refused.
        var run = Write(new[]
        {
            Header,
            "{\"type\":\"intent\",\"call\":1,\"pos\":[0],\"user\":\"a\",\"removeTags\":[" + string.Join(",", tags.Select(t => "\"" + t + "\"")) + "],\"priorTags\":[" + string.Join(",", tags.Select(t => "\"" + t + "\"")) + "]}",
            Outcome(1, 0, "a"),
        });
        var adds = 0;
        var handler = new StubHttpHandler { Responder = r => r.Api == "im_add_tag" && Interlocked.Increment(ref adds) == 2 ? StubResponse.Fail(90001, "refused") : emulator.Answer(r) };
        using var connection = TestConnections.Open(handler, maxRetry: 0);
        var undoPath = Path.Combine(_folder, "undo-parts.jsonl");
        using (var journal = RunJournal.Create(undoPath, new JournalHeader
        {
            Command = "Undo-ImRun", AppId = connection.SdkAppId, Endpoint = connection.BaseUri.GetLeftPart(UriPartial.Path), Service = connection.Service.ToString(),
        }))
        {
            var undo = new RunUndo(connection, overwrite: false, journal, DateTimeOffset.MinValue, TimeSpan.Zero);
            var sink = new Sink();
            new UndoScheduler(undo, apply: true, inFlightLimit: 2).Run(JournalBackwardReader.Read(run), _log, sink, default);
            Assert.Single(sink.Batches.SelectMany(b => b.Failures));
        }
        Assert.Equal(tags.Take(10).OrderBy(t => t, StringComparer.Ordinal), emulator.TagsOf("a")!.OrderBy(t => t, StringComparer.Ordinal));
        var record = JournalReader.Read(undoPath).OfType<Models.RunJournalRecord>().Single();
        Assert.Equal("PartlyApplied", record.Outcome);

        // Undoing the undo takes back the ten tags that landed (a Failed outcome would have been skipped, leaving them).
        using var plain = TestConnections.Open(emulator.CreateHandler());
        var again = Undo(plain, undoPath);
        Assert.Equal(10, again.Steps.Count(s => s.Action == "Restore"));
        Assert.Null(emulator.TagsOf("a"));
    }

    [Fact]
    public void WhatIfKeepsTheLastUsersPlannedOnly_SoItsMemoryIsBounded()
    {
        var states = new PlannedStates(capacity: 2);
        var now = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var user in new[] { "a", "b", "c" })
        {
            var item = new Models.RunJournalRecord("Item", 2) { UserId = user, Set = new Dictionary<string, string> { ["city"] = "Paris" }, Prior = new Dictionary<string, string?> { ["city"] = "Rome" } };
            var held = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal) { [user] = new Dictionary<string, string> { ["city"] = "Paris" } };
            states.Record(new[] { (item, UndoPlan.Attributes(item, held[user], false)) }, held, new Dictionary<string, IReadOnlyList<string>>());
            now[user] = new Dictionary<string, string> { ["city"] = "Paris" };
        }
        states.Overlay(now, new Dictionary<string, IReadOnlyList<string>>());
        // a was planned first and forgotten (the store's value stands); b and c show what their restore would leave.
        Assert.Equal(new[] { "Paris", "Rome", "Rome" }, new[] { "a", "b", "c" }.Select(u => now[u]["city"]));
    }

    [Fact]
    public void AnUndoStoppedByCtrlC_RecordsItsCancelledRestoresUnknownAndThoseNeverSentNotSent_NotUnrecorded()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city", "tier");
        emulator.Seed("alice", new System.Collections.Hashtable { ["city"] = "Paris" });
        emulator.Seed("bob", new System.Collections.Hashtable { ["tier"] = "gold" });
        var run = Write(new[]
        {
            Header,
            SetIntent(1, 0, "alice", "city", "Paris", "Rome"), Outcome(1, 0, "alice"),
            SetIntent(1, 1, "bob", "tier", "gold", null), Outcome(1, 1, "bob"),
        });
        using var ctrlC = new CancellationTokenSource();
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The restore's set (alice) is on the wire when Ctrl+C comes; the remove (bob) would follow it.
        var handler = new StubHttpHandler
        {
            Responder = r =>
            {
                if (r.Api != "im_set_attr") return emulator.Answer(r);
                ctrlC.Cancel();
                return new StubResponse { Gate = never.Task };
            },
        };
        using var connection = TestConnections.Open(handler, maxRetry: 0);
        var undoPath = Path.Combine(_folder, "undo-ctrlc.jsonl");
        using (var journal = RunJournal.Create(undoPath, new JournalHeader
        {
            Command = "Undo-ImRun", AppId = connection.SdkAppId, Endpoint = connection.BaseUri.GetLeftPart(UriPartial.Path), Service = connection.Service.ToString(),
        }))
        {
            var undo = new RunUndo(connection, overwrite: false, journal, DateTimeOffset.MinValue, TimeSpan.Zero);
            Assert.ThrowsAny<OperationCanceledException>(() => new UndoScheduler(undo, apply: true, inFlightLimit: 2).Run(JournalBackwardReader.Read(run), _log, new Sink(), ctrlC.Token));
        }

        Assert.DoesNotContain(handler.Requests, r => r.Api == "im_remove_attr");
        var records = JournalReader.Read(undoPath).OfType<Models.RunJournalRecord>().ToDictionary(r => r.UserId!);
        Assert.Equal(JournalOutcomes.Unknown, records["alice"].Outcome);
        Assert.Equal(JournalOutcomes.NotSent, records["bob"].Outcome);
        Assert.Equal("gold", emulator.AttributesOf("bob")!["tier"]);
    }
}
