using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Journal;

/// <summary>
/// The run journal (-JournalPath) in the core, against the emulator in process: what each record holds, that the
/// intent is on disk before its call is sent, that a user whose read failed is not written, that a journal that
/// cannot be written stops the run as a broken connection does, and that the reader gives back what was written.
/// </summary>
public sealed class RunJournalTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "imjournal-" + Guid.NewGuid().ToString("N"));

    public RunJournalTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Drives a journaled operation as BulkRun does: every read record goes to the journal first (its position).</summary>
    private static ListSink<TResult> Run<TItem, TResult, TState>(JournaledWrites<TItem, TResult, TState> operation, IEnumerable<ItemOutcome<TItem>> input, int batchSize = 100)
        where TItem : class
        where TResult : class
        where TState : class
    {
        var sink = new ListSink<TResult>();
        using var engine = new BatchEngine<TItem, TResult>(operation, new EngineOptions { BatchSize = batchSize, ThrottleLimit = 4 }, sink);
        foreach (var item in input)
        {
            operation.Received(item);
            if (item.Failure is not null) engine.AddFailure(item.Failure);
            else engine.Add(item.Result!);
        }
        engine.Complete();
        return sink;
    }

    private RunJournal NewJournal(string name, string command = "Set-ImUserAttribute") =>
        RunJournal.Create(Path.Combine(_folder, name), new JournalHeader
        {
            Command = command, AppId = TestConnections.AppId, Identifier = TestConnections.Admin, Endpoint = "https://im.example.test/", Service = "AllMemberPush",
            Parameters = new Dictionary<string, string> { ["Replace"] = "True" }, Started = new DateTimeOffset(2026, 12, 6, 18, 0, 0, TimeSpan.Zero),
        });

    private static ItemOutcome<SetItem> Set(string user, params (string Name, string Value)[] values) =>
        ItemOutcome<SetItem>.Success(new SetItem(user, values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal)));

    private static List<JsonElement> Lines(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void SetJournalHoldsHeaderIntentWithPriorAndOutcome_AndTheReaderJoinsThem()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city", "tier");
        emulator.Seed("alice", new Hashtable { ["city"] = "Rome", ["tier"] = "gold" });
        var handler = emulator.CreateHandler();
        using var connection = TestConnections.Open(handler);
        string path;
        using (var journal = NewJournal("set.jsonl"))
        {
            path = journal.Path;
            var op = JournaledRuns.Wrap(BulkOperations.Set(connection), BulkOperations.Get(connection), new SetJournalShape(), journal);
            var sink = Run(op, new[] { Set("alice", ("city", "Paris")), Set("bob", ("tier", "silver")), ItemOutcome<SetItem>.Rejected(new ImInputException(ErrorIds.UserIdEmpty, "empty", "")) });
            Assert.Equal(2, sink.Results.Count);
        }

        var lines = Lines(path);
        Assert.Equal("header", lines[0].GetProperty("type").GetString());
        Assert.Equal(RunJournal.FormatName, lines[0].GetProperty("format").GetString());
        Assert.Equal("True", lines[0].GetProperty("parameters").GetProperty("Replace").GetString());
        var aliceIntent = lines.Single(l => l.GetProperty("type").GetString() == "intent" && l.GetProperty("user").GetString() == "alice");
        Assert.Equal("Paris", aliceIntent.GetProperty("set").GetProperty("city").GetString());
        Assert.Equal("Rome", aliceIntent.GetProperty("prior").GetProperty("city").GetString());
        // Only the names the write is about: tier is not written, so not recorded.
        Assert.False(aliceIntent.GetProperty("prior").TryGetProperty("tier", out _));
        var bobIntent = lines.Single(l => l.GetProperty("type").GetString() == "intent" && l.GetProperty("user").GetString() == "bob");
        Assert.Equal(JsonValueKind.Null, bobIntent.GetProperty("prior").GetProperty("tier").ValueKind);
        Assert.Equal(1, bobIntent.GetProperty("pos")[0].GetInt64());
        var rejected = lines.Single(l => l.GetProperty("type").GetString() == "rejected");
        Assert.Equal(2, rejected.GetProperty("pos")[0].GetInt64());
        Assert.Equal(ErrorIds.UserIdEmpty, rejected.GetProperty("errorId").GetString());

        var read = JournalReader.Read(path).ToList();
        var header = Assert.IsType<RunJournalHeader>(read[0]);
        Assert.Equal("Set-ImUserAttribute", header.Command);
        var items = read.OfType<RunJournalRecord>().ToList();
        var alice = items.Single(i => i.UserId == "alice");
        Assert.Equal("Done", alice.Outcome);
        Assert.Equal(0, alice.Position);
        Assert.Equal("Rome", alice.Prior!["city"]);
        Assert.Equal("set city=Paris", alice.Change);
        Assert.Null(items.Single(i => i.UserId == "bob").Prior!["tier"]);
        Assert.Equal("Rejected", items.Single(i => i.Kind == "Rejected").Outcome);
        Assert.Equal("refused before any call (UserIdEmpty)", items.Single(i => i.Kind == "Rejected").Change);
        Assert.Equal("Paris", emulator.AttributesOf("alice")!["city"]);
    }

    [Fact]
    public void EachUserIsReadBeforeItsWrite_AndTheIntentIsOnDiskWhenTheWriteArrives()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        var path = Path.Combine(_folder, "flush.jsonl");
        var seenAtWrite = new List<string>();
        var handler = new StubHttpHandler
        {
            Responder = r =>
            {
                if (r.Api == "im_set_attr")
                {
                    // What another process would read at this moment.
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                    using var reader = new StreamReader(file);
                    lock (seenAtWrite) seenAtWrite.Add(reader.ReadToEnd());
                }
                return emulator.Answer(r);
            },
        };
        using var connection = TestConnections.Open(handler);
        using (var journal = RunJournal.Create(path, new JournalHeader { Command = "Set-ImUserAttribute" }))
        {
            var op = JournaledRuns.Wrap(BulkOperations.Set(connection), BulkOperations.Get(connection), new SetJournalShape(), journal);
            Run(op, Enumerable.Range(0, 250).Select(i => Set("u" + i, ("city", "c" + i))));
        }
        Assert.Equal(3, seenAtWrite.Count);
        var everything = string.Join("\n", seenAtWrite);
        for (var i = 0; i < 250; i++) Assert.Contains("\"user\":\"u" + i + "\"", everything);
        // Each call's users were read (one get per write) before their write went.
        var apis = handler.Requests.Select(r => r.Api).ToList();
        Assert.Equal(3, apis.Count(a => a == "im_get_attr"));
        Assert.Equal(3, apis.Count(a => a == "im_set_attr"));
        var written = handler.Requests.Where(r => r.Api == "im_set_attr").Select(r => r.Body).ToList();
        foreach (var get in handler.Requests.Where(r => r.Api == "im_get_attr"))
        {
            var firstUser = JsonDocument.Parse(get.Body).RootElement.GetProperty("To_Account")[0].GetString();
            var readAt = handler.Requests.ToList().IndexOf(get);
            var writeAt = handler.Requests.ToList().FindIndex(r => r.Api == "im_set_attr" && r.Body.Contains("\"" + firstUser + "\"", StringComparison.Ordinal));
            Assert.True(readAt < writeAt);
        }
    }

    [Fact]
    public void AUserWhoseReadFailsIsNotWritten_AndTheOthersAre()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        var handler = new StubHttpHandler
        {
            Responder = r => r.Api == "im_get_attr" && r.Body.Contains("\"bad\"", StringComparison.Ordinal)
                ? StubResponse.Json("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"UserAttrs\":[{\"To_Account\":\"good\",\"Attrs\":{}}],\"ErrorList\":[{\"To_Account\":\"bad\",\"ErrorCode\":70107}]}")
                : emulator.Answer(r),
        };
        using var connection = TestConnections.Open(handler, maxRetry: 0);
        string path;
        ListSink<UserAttributes> sink;
        using (var journal = NewJournal("readfail.jsonl"))
        {
            path = journal.Path;
            sink = Run(JournaledRuns.Wrap(BulkOperations.Set(connection), BulkOperations.Get(connection), new SetJournalShape(), journal), new[] { Set("good", ("city", "x")), Set("bad", ("city", "y")) });
        }
        var failure = Assert.Single(sink.Failures);
        Assert.Equal("bad", failure.TargetObject);
        Assert.Contains("was not written", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(handler.Requests.Where(r => r.Api == "im_set_attr"), r => r.Body.Contains("\"bad\"", StringComparison.Ordinal));
        Assert.Equal("x", emulator.AttributesOf("good")!["city"]);
        Assert.Null(emulator.AttributesOf("bad"));
        Assert.DoesNotContain(Lines(path), l => l.TryGetProperty("user", out var u) && u.GetString() == "bad");
    }

    /// <summary>A stream that takes <c>room</c> bytes and then fails as a full disk does.</summary>
    private sealed class FullDisk : MemoryStream
    {
        private readonly long _room;
        public FullDisk(long room) => _room = room;
        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Length + count > _room) throw new IOException("No space left on device");
            base.Write(buffer, offset, count);
        }
    }

    [Fact]
    public void AJournalThatCannotBeWrittenStopsTheRunAsABrokenConnection_AndNothingMoreIsSent()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        var handler = emulator.CreateHandler();
        using var connection = TestConnections.Open(handler);
        using var journal = new RunJournal(new FullDisk(40_000), "full.jsonl");
        journal.WriteHeader(new JournalHeader { Command = "Set-ImUserAttribute" });
        var op = JournaledRuns.Wrap(BulkOperations.Set(connection), BulkOperations.Get(connection), new SetJournalShape(), journal);
        var stop = Assert.Throws<ImRunStoppedException>(() => Run(op, Enumerable.Range(0, 5000).Select(i => Set("u" + i, ("city", "c")))));
        Assert.Equal(ErrorIds.JournalWriteFailed, stop.ErrorId);
        Assert.NotNull(journal.Failure);
        // Every user written has its intent in the journal: writes went only for calls whose intents were stored.
        var sets = handler.Requests.Count(r => r.Api == "im_set_attr");
        Assert.True(sets < 50, $"{sets} write calls after the journal broke");
        Assert.All(Enumerable.Range(0, 5000).Where(i => emulator.AttributesOf("u" + i) is not null), i => Assert.True(i < sets * 100 + 400));
    }

    [Fact]
    public void ReplaceJournalKeepsTheWholePriorSet_AndItsDoneOutcomeSaysWhatTheSyncChanged()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city", "tier");
        emulator.Seed("alice", new Hashtable { ["city"] = "Rome", ["tier"] = "gold" });
        using var connection = TestConnections.Open(emulator.CreateHandler());
        string path;
        using (var journal = NewJournal("replace.jsonl"))
        {
            path = journal.Path;
            var op = JournaledRuns.Wrap(BulkOperations.ReplaceAttributes(connection, 4, (_, _) => true), BulkOperations.Get(connection), new ReplaceJournalShape(), journal);
            var sink = Run(op, new[] { Set("alice", ("city", "Paris")) }, batchSize: SyncCalls.UsersPerSync);
            Assert.Empty(sink.Failures);
        }
        var item = JournalReader.Read(path).OfType<RunJournalRecord>().Single();
        Assert.True(item.PriorComplete);
        Assert.Equal("Rome", item.Prior!["city"]);
        Assert.Equal("gold", item.Prior["tier"]);
        Assert.Equal("Paris", item.Replace!["city"]);
        Assert.Equal("Paris", item.AppliedSet!["city"]);
        // Which names the sync removed is its rule's; the journal records what it did, whichever rule is in force.
        var removedNow = emulator.AttributesOf("alice")!.ContainsKey("tier") ? Array.Empty<string>() : new[] { "tier" };
        Assert.Equal(removedNow, item.AppliedRemove);
    }

    [Fact]
    public void TagWritesRecordTheWholePriorTagSet()
    {
        var emulator = TestConnections.Emulator();
        using var connection = TestConnections.Open(emulator.CreateHandler());
        using (var setup = new BatchEngine<TagItem, UserTags>(BulkOperations.AddTags(connection, false), new EngineOptions(), new ListSink<UserTags>()))
        {
            setup.Add(new TagItem("alice", new List<string> { "a", "b" }));
            setup.Complete();
        }
        string path;
        using (var journal = NewJournal("clear.jsonl", "Clear-ImUserTag"))
        {
            path = journal.Path;
            Run(JournaledRuns.Wrap(BulkOperations.ClearTags(connection), BulkOperations.GetTags(connection), new ClearTagsJournalShape(), journal),
                new[] { ItemOutcome<GetItem>.Success(new GetItem("alice")) });
        }
        var item = JournalReader.Read(path).OfType<RunJournalRecord>().Single();
        Assert.True(item.ClearTags);
        Assert.Equal(new[] { "a", "b" }, item.PriorTags);
        Assert.Equal("Done", item.Outcome);
        Assert.Null(emulator.TagsOf("alice"));
    }

    [Fact]
    public void MergedRepeatsOfAUserKeepEveryInputPosition()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city", "tier");
        using var connection = TestConnections.Open(emulator.CreateHandler());
        string path;
        using (var journal = NewJournal("merge.jsonl"))
        {
            path = journal.Path;
            Run(JournaledRuns.Wrap(BulkOperations.Set(connection), BulkOperations.Get(connection), new SetJournalShape(), journal),
                new[] { Set("alice", ("city", "a")), Set("bob", ("city", "b")), Set("alice", ("tier", "t")) });
        }
        var alice = JournalReader.Read(path).OfType<RunJournalRecord>().Single(r => r.UserId == "alice");
        Assert.Equal(new long[] { 0, 2 }, alice.Positions);
    }

    [Fact]
    public void AnExistingFileIsJournalExists_AndAFolderGetsAFileNamedForTheCommand()
    {
        var existing = Path.Combine(_folder, "old.jsonl");
        File.WriteAllText(existing, "x");
        var e = Assert.Throws<ImInputException>(() => RunJournal.Create(existing, new JournalHeader()));
        Assert.Equal(ErrorIds.JournalExists, e.ErrorId);
        Assert.Equal("x", File.ReadAllText(existing));
        var named = JournalFile.Resolve(_folder, "Set-ImUserAttribute", new DateTimeOffset(2026, 12, 6, 18, 1, 2, 345, TimeSpan.Zero));
        Assert.Equal(Path.Combine(_folder, "Set-ImUserAttribute-20261206T180102345Z.jsonl"), named);
    }

    [Fact]
    public void AJournalBeingWrittenIsJournalInUse_YetReadable_AndFreeOnceClosed()
    {
        var path = Path.Combine(_folder, "held.jsonl");
        using (var writing = RunJournal.Create(path, new JournalHeader { Command = "Set-ImUserAttribute" }))
        {
            var e = Assert.Throws<ImInputException>(() => JournalFile.RefuseInUse(path, "Undo-ImRun"));
            Assert.Equal(ErrorIds.JournalInUse, e.ErrorId);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.IsType<RunJournalHeader>(Assert.Single(JournalReader.Read(path)));
        }
        using (var resumed = RunJournal.Resume(path, new JournalHeader { Command = "Set-ImUserAttribute" }, 0))
        {
            Assert.Equal(ErrorIds.JournalInUse, Assert.Throws<ImInputException>(() => JournalFile.RefuseInUse(path, "-Resume")).ErrorId);
        }
        JournalFile.RefuseInUse(path, "Undo-ImRun");
    }

    [Fact]
    public void TheFileIsCreatedOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            // Windows: the folder's inherited ACL (docs/journal.md); not checked here.
            return;
        }
        using var journal = NewJournal("mode.jsonl");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(journal.Path));
    }

    [Fact]
    public void ATornLastLineIsCutBeforeAppending()
    {
        var path = Path.Combine(_folder, "torn.jsonl");
        File.WriteAllText(path, "{\"a\":1}\n{\"b\":2}\n{\"c\":");
        using (var file = JournalFile.OpenForAppend(path))
        {
            file.Write("{\"d\":4}\n"u8);
        }
        Assert.Equal("{\"a\":1}\n{\"b\":2}\n{\"d\":4}\n", File.ReadAllText(path));
        using var whole = new MemoryStream("{\"a\":1}\n"u8.ToArray());
        Assert.Equal(0, JournalFile.CutTornLine(whole));
    }

    [Fact]
    public void TheReaderSkipsATornLastLine_NamesTheLineOfABadOne_RefusesANewerFormat_AndReportsIntentsWithoutOutcome()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city", "City");
        using var connection = TestConnections.Open(emulator.CreateHandler());
        string path;
        using (var journal = NewJournal("read.jsonl"))
        {
            path = journal.Path;
            Run(JournaledRuns.Wrap(BulkOperations.Set(connection), BulkOperations.Get(connection), new SetJournalShape(), journal),
                new[] { Set("alice", ("city", "lower"), ("City", "upper")) });
        }
        var text = File.ReadAllText(path);
        var alice = JournalReader.Read(path).OfType<RunJournalRecord>().Single();
        Assert.Equal("lower", alice.Set!["city"]);
        Assert.Equal("upper", alice.Set["City"]);

        // An intent whose outcome never came (a killed process), then a torn line.
        var killed = Path.Combine(_folder, "killed.jsonl");
        var intentLine = text.Split('\n').First(l => l.Contains("\"intent\"", StringComparison.Ordinal));
        File.WriteAllText(killed, text.Split('\n')[0] + "\n" + intentLine.Replace("\"call\":1", "\"call\":9", StringComparison.Ordinal) + "\n{\"type\":\"outc");
        long? torn = null;
        var items = JournalReader.Read(killed, line => torn = line).OfType<RunJournalRecord>().ToList();
        Assert.Equal(3, torn);
        Assert.Equal("Unrecorded", Assert.Single(items).Outcome);

        var bad = Path.Combine(_folder, "bad.jsonl");
        File.WriteAllText(bad, text.Split('\n')[0] + "\nnot json\n" + intentLine + "\n");
        var e = Assert.Throws<ImInputException>(() => JournalReader.Read(bad).ToList());
        Assert.Equal(ErrorIds.JournalInvalid, e.ErrorId);
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("bad.jsonl", e.Message, StringComparison.Ordinal);

        // Not UTF-8 at all (an ANSI file given by mistake): JournalInvalid naming the file, not a decoder's exception.
        var ansi = Path.Combine(_folder, "ansi.jsonl");
        File.WriteAllBytes(ansi, Encoding.UTF8.GetBytes(text.Split('\n')[0] + "\n").Concat(new byte[] { 0x55, 0xE9, 0xFF, 0x0A }).ToArray());
        var notText = Assert.Throws<ImInputException>(() => JournalReader.Read(ansi).ToList());
        Assert.Equal(ErrorIds.JournalInvalid, notText.ErrorId);
        Assert.Contains("ansi.jsonl", notText.Message, StringComparison.Ordinal);
        Assert.Contains("not UTF-8", notText.Message, StringComparison.Ordinal);

        var newer = Path.Combine(_folder, "newer.jsonl");
        File.WriteAllText(newer, text.Split('\n')[0].Replace("\"version\":1", "\"version\":2", StringComparison.Ordinal) + "\n");
        Assert.Contains("newer", Assert.Throws<ImInputException>(() => JournalReader.Read(newer).ToList()).Message, StringComparison.Ordinal);

        var notJournal = Path.Combine(_folder, "other.jsonl");
        File.WriteAllText(notJournal, "{\"type\":\"intent\"}\n");
        Assert.Contains("line 1", Assert.Throws<ImInputException>(() => JournalReader.Read(notJournal).ToList()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheJournalHoldsNoSecret()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        using var connection = TestConnections.Open(emulator.CreateHandler());
        string path;
        using (var journal = NewJournal("secret.jsonl"))
        {
            path = journal.Path;
            Run(JournaledRuns.Wrap(BulkOperations.Set(connection), BulkOperations.Get(connection), new SetJournalShape(), journal), new[] { Set("alice", ("city", "x")) });
        }
        var text = File.ReadAllText(path);
        Assert.DoesNotContain(TestConnections.UserSig, text, StringComparison.Ordinal);
        Assert.DoesNotContain("usersig", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("alice", text, StringComparison.Ordinal);
    }
    [Fact]
    public void AKilledRunsOpenIntentsComeOutBeforeTheResumedRunsRecords_SoAUsersFirstRecordKeepsTheTruePrior()
    {
        // The run was killed after alice's call went out (no outcome); the resumed run found her value already
        // written and recorded it Done with what she held then (Paris). Undo takes a user's first record: it must be
        // the killed run's, whose prior (Rome) is what she held before the run.
        const string Header = "{\"type\":\"header\",\"format\":\"TencentImAttr.RunJournal\",\"version\":1,\"command\":\"Set-ImUserAttribute\",\"appId\":1400000000}";
        var path = Path.Combine(_folder, "resumed.jsonl");
        File.WriteAllLines(path, new[]
        {
            Header,
            "{\"type\":\"intent\",\"call\":1,\"pos\":[0],\"user\":\"alice\",\"set\":{\"city\":\"Paris\"},\"prior\":{\"city\":\"Rome\"}}",
            Header,
            "{\"type\":\"intent\",\"call\":2,\"pos\":[0],\"user\":\"alice\",\"set\":{\"city\":\"Paris\"},\"prior\":{\"city\":\"Paris\"}}",
            "{\"type\":\"outcome\",\"call\":2,\"pos\":[0],\"user\":\"alice\",\"outcome\":\"Done\"}",
        });
        var records = JournalReader.Read(path).ToList();
        Assert.IsType<RunJournalHeader>(records[0]);
        var first = Assert.IsType<RunJournalRecord>(records[1]);
        Assert.Equal("Unrecorded", first.Outcome);
        Assert.Equal("Rome", first.Prior!["city"]);
        Assert.IsType<RunJournalHeader>(records[2]);
        Assert.Equal("Done", Assert.IsType<RunJournalRecord>(records[3]).Outcome);
        Assert.Equal(4, records.Count);
    }

    /// <summary>A write that Ctrl+C reaches just before it is sent (after its intents are on the disk).</summary>
    private sealed class CtrlCBeforeTheWrite : IBatchOperation<SetItem, UserAttributes>
    {
        private readonly IBatchOperation<SetItem, UserAttributes> _write;
        private readonly System.Threading.CancellationTokenSource _ctrlC;

        public CtrlCBeforeTheWrite(IBatchOperation<SetItem, UserAttributes> write, System.Threading.CancellationTokenSource ctrlC)
        {
            _write = write;
            _ctrlC = ctrlC;
        }

        public string UserIdOf(SetItem item) => _write.UserIdOf(item);
        public SetItem Merge(SetItem earlier, SetItem later) => _write.Merge(earlier, later);

        public System.Threading.Tasks.Task<ItemOutcome<UserAttributes>[]> ExecuteAsync(IReadOnlyList<SetItem> items, TencentImAttr.Core.Api.ICallLog log, System.Threading.CancellationToken cancellationToken, System.Threading.CancellationToken stopSending = default)
        {
            _ctrlC.Cancel();
            return _write.ExecuteAsync(items, log, cancellationToken, stopSending);
        }
    }

    private static StubResponse ReadOf(params string[] users) =>
        StubResponse.Json("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"UserAttrs\":[" + string.Join(",", users.Select(u => "{\"To_Account\":\"" + u + "\",\"Attrs\":{}}")) + "]}");

    [Fact]
    public void ACallCancelledByCtrlCBeforeItsRequestWentOutIsRecordedNotSent_NotLeftUnrecorded()
    {
        using var ctrlC = new System.Threading.CancellationTokenSource();
        var stub = new StubHttpHandler();
        stub.Enqueue(ReadOf("alice", "bob"));
        using var connection = TestConnections.Open(stub);
        using var log = new TencentImAttr.Core.Api.QueuedCallLog(false);
        var items = new[] { Set("alice", ("city", "Paris")).Result!, Set("bob", ("city", "Oslo")).Result! };
        string path;
        CallCancelledException cut;
        using (var journal = NewJournal("ctrlc-notsent.jsonl"))
        {
            path = journal.Path;
            var op = JournaledRuns.Wrap(new CtrlCBeforeTheWrite(BulkOperations.Set(connection), ctrlC), BulkOperations.Get(connection), new SetJournalShape(), journal);
            foreach (var item in items) op.Received(ItemOutcome<SetItem>.Success(item));
            cut = Assert.ThrowsAny<CallCancelledException>(() => { op.ExecuteAsync(items, log, ctrlC.Token).GetAwaiter().GetResult(); });
        }

        // Only the read went out.
        Assert.Single(stub.Requests);
        Assert.All(cut.OutcomesOf<SetItem, UserAttributes>(items)!, o => Assert.True(o.Failure!.NotSent && !o.Failure.OutcomeUnknown));
        var lines = Lines(path);
        Assert.Equal(2, lines.Count(l => l.GetProperty("type").GetString() == "intent"));
        var outcomes = lines.Where(l => l.GetProperty("type").GetString() == "outcome").ToList();
        Assert.Equal(new[] { "alice", "bob" }, outcomes.Select(o => o.GetProperty("user").GetString()));
        Assert.All(outcomes, o => Assert.Equal(JournalOutcomes.NotSent, o.GetProperty("outcome").GetString()));
        var records = JournalReader.Read(path).OfType<RunJournalRecord>().ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(JournalOutcomes.NotSent, r.Outcome));
    }

    [Fact]
    public void ACallCancelledByCtrlCAfterItsRequestWentOutIsRecordedUnknown_AndTheRunCountsItsUsersSo()
    {
        using var ctrlC = new System.Threading.CancellationTokenSource();
        var never = new System.Threading.Tasks.TaskCompletionSource(System.Threading.Tasks.TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHttpHandler
        {
            Responder = r =>
            {
                if (r.Api == "im_get_attr") return ReadOf("alice", "bob", "carol", "dan");
                // The write is on the wire when Ctrl+C comes; its answer never does.
                ctrlC.Cancel();
                return new StubResponse { Gate = never.Task };
            },
        };
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        string path;
        BulkRunSummary summary;
        ImRunStoppedException? stop;
        using (var journal = NewJournal("ctrlc-unknown.jsonl"))
        {
            path = journal.Path;
            var op = JournaledRuns.Wrap(BulkOperations.Set(connection), BulkOperations.Get(connection), new SetJournalShape(), journal);
            using var engine = new BatchEngine<SetItem, UserAttributes>(op, new EngineOptions { BatchSize = 2, ThrottleLimit = 1 }, new ListSink<UserAttributes>(), cancellationToken: ctrlC.Token);
            Assert.ThrowsAny<OperationCanceledException>(() =>
            {
                foreach (var item in new[] { Set("alice", ("city", "Paris")), Set("bob", ("city", "Oslo")), Set("carol", ("city", "Rome")), Set("dan", ("city", "Lima")) })
                {
                    op.Received(item);
                    engine.Add(item.Result!);
                }
                engine.Complete();
            });
            stop = engine.Interrupted();
            summary = engine.Summary("Set-ImUserAttribute", stopped: true);
        }

        var outcomes = Lines(path).Where(l => l.GetProperty("type").GetString() == "outcome").ToList();
        Assert.Equal(new[] { "alice", "bob" }, outcomes.Select(o => o.GetProperty("user").GetString()));
        Assert.All(outcomes, o => Assert.Equal(JournalOutcomes.Unknown, o.GetProperty("outcome").GetString()));
        Assert.DoesNotContain(JournalReader.Read(path).OfType<RunJournalRecord>(), r => r.Outcome == "Unrecorded");
        Assert.Equal(new[] { "alice", "bob" }, stop!.OutcomeUnknown);
        Assert.Equal(summary.Users, summary.Done + summary.Failed + summary.OutcomeUnknown + summary.StoppedBeforeSending + summary.NotSent);
        Assert.Equal(2, summary.OutcomeUnknown);
        Assert.Equal(stop.NotSent.Count, summary.StoppedBeforeSending);
    }
}
