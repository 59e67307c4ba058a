using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Journal;

/// <summary>A tag list sent in parts (more tags than one call takes): its journal outcome says, per part, what landed.</summary>
public sealed class PartedJournalTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "imparted-" + Guid.NewGuid().ToString("N"));

    public PartedJournalTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly JournalHeader Header = new() { Command = "Add-ImUserTag", AppId = TestConnections.AppId, Endpoint = "https://im.example.test/", Service = "AllMemberPush" };

    private static List<string> TagsOf(string user) => Enumerable.Range(0, 25).Select(t => user + "-t" + t).ToList();

    /// <summary>Three users of 25 tags each (parts of 10, 10, 5), plus one of 2 tags sent whole; the second add call gets <paramref name="second"/>.</summary>
    private List<RunJournalRecord> RunWithSecondAddCall(InProcessEmulator emulator, Func<RecordedRequest, StubResponse> second, string file)
    {
        var calls = 0;
        var handler = new StubHttpHandler
        {
            Responder = r => r.Api == "im_add_tag" && Interlocked.Increment(ref calls) == 2 ? second(r) : emulator.Answer(r),
        };
        var path = Path.Combine(_folder, file);
        using (var connection = TestConnections.Open(handler, maxRetry: 0))
        using (var journal = RunJournal.Create(path, Header))
        {
            var op = JournaledRuns.Wrap(BulkOperations.AddTags(connection, replace: false, maxRetry: 0), BulkOperations.GetTags(connection), TagJournalShape.Add(replace: false), journal);
            var sink = new ListSink<UserTags>();
            using (var engine = new BatchEngine<TagItem, UserTags>(op, new EngineOptions { ThrottleLimit = 1 }, sink))
            {
                foreach (var user in new[] { "a", "b", "c" })
                {
                    var item = ItemOutcome<TagItem>.Success(new TagItem(user, TagsOf(user)));
                    if (op.Received(item)) engine.Add(item.Result!);
                }
                var small = ItemOutcome<TagItem>.Success(new TagItem("d", new List<string> { "d-1", "d-2" }));
                if (op.Received(small)) engine.Add(small.Result!);
                engine.Complete();
            }
            Assert.Equal(3, sink.Failures.Count);
        }
        var text = File.ReadAllText(path);
        Assert.Contains("\"parts\":[{\"tags\":[", text, StringComparison.Ordinal);
        return JournalReader.Read(path).OfType<RunJournalRecord>().ToList();
    }

    [Fact]
    public void APartThatFailsForGood_IsRecordedPerPart_TheItemPartlyApplied_AndOnlyTheLandedPartMayBeUndone()
    {
        var emulator = TestConnections.Emulator();
        var records = RunWithSecondAddCall(emulator, _ => StubResponse.Fail(90001, "refused"), "failed.jsonl");
        foreach (var user in new[] { "a", "b", "c" })
        {
            var record = records.Single(r => r.UserId == user);
            Assert.Equal("PartlyApplied", record.Outcome);
            Assert.Equal(new[] { "Done", "Failed", "NotSent" }, record.Parts!.Select(p => p.Outcome));
            Assert.Equal(new[] { 10, 10, 5 }, record.Parts!.Select(p => p.Tags.Count));
            Assert.Equal(TagsOf(user), record.Parts!.SelectMany(p => p.Tags));
            Assert.Equal(record.ErrorId, record.Parts![1].ErrorId);
            Assert.Null(record.Parts![0].ErrorId);
            Assert.Equal(TagsOf(user).Take(10), record.TagsThatMayHaveLanded!);
            Assert.Equal(TagsOf(user).Take(10).OrderBy(t => t, StringComparer.Ordinal), emulator.TagsOf(user)!.OrderBy(t => t, StringComparer.Ordinal));
            // The undo puts back the landed part's tags only: the failed and unsent parts' tags are no steps at all.
            var steps = UndoPlan.Tags(record, emulator.TagsOf(user)!.ToList(), overwrite: false);
            Assert.Equal(TagsOf(user).Take(10), steps.Select(s => s.Name));
            Assert.All(steps, s => Assert.Equal(UndoActions.Restore, s.Action));
        }
        // Undo-ImRun reads the journal backwards: the parts come out the same.
        var backwards = JournalBackwardReader.Read(Path.Combine(_folder, "failed.jsonl")).OfType<RunJournalRecord>().ToList();
        foreach (var record in records)
        {
            var same = backwards.Single(r => r.UserId == record.UserId);
            Assert.Equal(record.Parts?.Select(p => p.Outcome + ":" + string.Join(",", p.Tags)), same.Parts?.Select(p => p.Outcome + ":" + string.Join(",", p.Tags)));
        }
        var whole = records.Single(r => r.UserId == "d");
        Assert.Equal("Done", whole.Outcome);
        Assert.Null(whole.Parts);
        Assert.Null(whole.TagsThatMayHaveLanded);
    }

    [Fact]
    public void APartOfUnknownOutcome_IsRecordedUnknown_AndMayHaveLanded()
    {
        var emulator = TestConnections.Emulator();
        // The second call is applied and its answer lost.
        var records = RunWithSecondAddCall(emulator, r =>
        {
            emulator.Answer(r);
            return StubResponse.TimedOut();
        }, "unknown.jsonl");
        var record = records.Single(r => r.UserId == "b");
        Assert.Equal("Unknown", record.Outcome);
        Assert.Equal(new[] { "Done", "Unknown", "NotSent" }, record.Parts!.Select(p => p.Outcome));
        Assert.Equal(TagsOf("b").Take(20), record.TagsThatMayHaveLanded!);
    }

    [Fact]
    public void AJournalOfFormatVersionOneWithoutParts_StillReads()
    {
        var path = Path.Combine(_folder, "v1.jsonl");
        File.WriteAllText(path,
            "{\"type\":\"header\",\"format\":\"TencentImAttr.RunJournal\",\"version\":1,\"command\":\"Add-ImUserTag\",\"appId\":1,\"endpoint\":\"https://x/\",\"service\":\"Push\"}\n" +
            "{\"type\":\"intent\",\"call\":1,\"pos\":[0],\"user\":\"a\",\"addTags\":[\"x\"],\"priorTags\":[]}\n" +
            "{\"type\":\"outcome\",\"call\":1,\"pos\":[0],\"user\":\"a\",\"outcome\":\"Failed\",\"errorId\":\"ImApiError90001\"}\n");
        var record = JournalReader.Read(path).OfType<RunJournalRecord>().Single();
        Assert.Equal("Failed", record.Outcome);
        Assert.Null(record.Parts);
    }
}
