using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;
using TencentImAttr.Models;
using Xunit;

namespace TencentImAttr.Tests.Journal;

/// <summary>
/// Undo-ImRun's backward reader: the same records as the forward reader, each joined with its outcome, in the
/// reverse order of their intent lines, line 1's header first; a torn last line skipped; a killed run's open intents
/// Unrecorded; a resumed run's header where it stands; and the same errors, naming the file and the line.
/// </summary>
public sealed class JournalBackwardReaderTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "imbackward-" + Guid.NewGuid().ToString("N"));

    public JournalBackwardReaderTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    internal const string Header = "{\"type\":\"header\",\"format\":\"TencentImAttr.RunJournal\",\"version\":1,\"command\":\"Set-ImUserAttribute\",\"appId\":1400000000,\"endpoint\":\"https://im.example.test/\",\"service\":\"AllMemberPush\"}";

    internal static string SetIntent(long call, long pos, string user, string name, string value, string? prior) =>
        $"{{\"type\":\"intent\",\"call\":{call},\"pos\":[{pos}],\"user\":\"{user}\",\"set\":{{\"{name}\":\"{value}\"}},\"prior\":{{\"{name}\":{(prior is null ? "null" : "\"" + prior + "\"")}}}}}";

    internal static string Outcome(long call, long pos, string user, string outcome = "Done") =>
        $"{{\"type\":\"outcome\",\"call\":{call},\"pos\":[{pos}],\"user\":\"{user}\",\"outcome\":\"{outcome}\"}}";

    private string Write(string name, IEnumerable<string> lines, string newline = "\n", bool finalNewline = true)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, string.Join(newline, lines) + (finalNewline ? newline : ""));
        return path;
    }

    /// <summary>A record as text, for comparing the readers: its line, user, outcome, change and what it joined.</summary>
    private static string Shape(object entry) => entry switch
    {
        RunJournalHeader h => $"header {h.Line} {h.Command}",
        RunJournalRecord r => $"{r.Kind} {r.Line} {r.UserId} {r.Outcome} {r.ErrorId} {r.Change} {r.HadUnknownAttempt} [{string.Join(",", r.Positions)}]" +
            $" prior={string.Join(",", (r.Prior ?? new Dictionary<string, string?>()).Select(p => p.Key + "=" + p.Value))}" +
            $" applied={string.Join(",", (r.AppliedSet ?? new Dictionary<string, string>()).Select(p => p.Key + "=" + p.Value))}/{string.Join(",", r.AppliedRemove ?? new List<string>())}" +
            $" priorTags={string.Join(",", r.PriorTags ?? new List<string>())}",
        _ => "?",
    };

    /// <summary>What the forward reader gives, put in the backward reader's order: line 1's header, then by line, last first.</summary>
    private static List<string> ForwardInBackwardOrder(string path)
    {
        var forward = JournalReader.Read(path).ToList();
        var first = forward.OfType<RunJournalHeader>().Single(h => h.Line == 1);
        return new[] { Shape(first) }
            .Concat(forward.Where(e => e != first).OrderByDescending(e => e is RunJournalHeader h ? h.Line : ((RunJournalRecord)e).Line).Select(Shape))
            .ToList();
    }

    private static List<string> Backward(string path, Action<long>? torn = null) => JournalBackwardReader.Read(path, torn).Select(Shape).ToList();

    /// <summary>Every kind of line: calls whose outcomes come after other calls' intents, a sync's effect, tags, rejected, declined, a killed run's open intents and the resumed run's header.</summary>
    private static List<string> EveryKind() => new()
    {
        Header,
        SetIntent(1, 0, "alice", "city", "Paris", "Rome"),
        SetIntent(1, 1, "bob", "city", "Paris", null),
        "{\"type\":\"rejected\",\"pos\":[2],\"user\":\"\",\"errorId\":\"UserIdEmpty\"}",
        SetIntent(2, 3, "carol", "tier", "gold", "silver"),
        Outcome(2, 3, "carol", "Failed").Replace("}", ",\"errorId\":\"ImApiError\"}", StringComparison.Ordinal),
        Outcome(1, 1, "bob"),
        Outcome(1, 0, "alice", "Unknown").Replace("}", ",\"hadUnknownAttempt\":true}", StringComparison.Ordinal),
        "{\"type\":\"intent\",\"call\":3,\"pos\":[4,6],\"user\":\"dave\",\"replace\":{\"city\":\"Oslo\"},\"prior\":{\"city\":\"Rome\",\"tier\":\"gold\"},\"priorComplete\":true,\"removeUnlisted\":true}",
        "{\"type\":\"intent\",\"call\":3,\"pos\":[5],\"user\":\"erin\",\"addTags\":[\"a\"],\"priorTags\":[\"b\"]}",
        "{\"type\":\"declined\",\"pos\":[7],\"user\":\"frank\"}",
        "{\"type\":\"outcome\",\"call\":3,\"pos\":[4,6],\"user\":\"dave\",\"outcome\":\"Done\",\"set\":{\"city\":\"Oslo\"},\"removed\":[\"tier\"]}",
        // erin's call 3 outcome never came: the process was killed; a resumed run appends its header.
        Header,
        "{\"type\":\"intent\",\"call\":4,\"pos\":[5],\"user\":\"erin\",\"clearTags\":true,\"priorTags\":[\"a\",\"b\"]}",
        Outcome(4, 5, "erin"),
        SetIntent(5, 8, "alice", "tier", "x", null),
    };

    [Theory]
    [InlineData("\n", true)]
    [InlineData("\r\n", true)]
    [InlineData("\n", false)]
    [InlineData("\r", true)]
    public void GivesTheForwardReadersRecords_LatestIntentFirst_WithTheSameOutcomes(string newline, bool finalNewline)
    {
        var path = Write("every.jsonl", EveryKind(), newline, finalNewline);
        var backward = Backward(path);
        Assert.Equal(ForwardInBackwardOrder(path), backward);
        Assert.StartsWith("header 1 ", backward[0], StringComparison.Ordinal);
        // The last intent has no outcome after it (killed again), and the killed run's erin intent is Unrecorded.
        Assert.StartsWith("Item 16 alice Unrecorded", backward[1], StringComparison.Ordinal);
        Assert.Contains(backward, s => s.StartsWith("Item 10 erin Unrecorded", StringComparison.Ordinal));
        Assert.Contains(backward, s => s.StartsWith("header 13 ", StringComparison.Ordinal));
        // Outcomes met before their intents were joined: alice's Unknown with its abandoned attempt, dave's sync effect.
        Assert.Contains(backward, s => s.StartsWith("Item 2 alice Unknown  set city=Paris True", StringComparison.Ordinal));
        Assert.Contains(backward, s => s.StartsWith("Item 9 dave Done", StringComparison.Ordinal) && s.Contains("applied=city=Oslo/tier", StringComparison.Ordinal));
    }

    [Fact]
    public void AJournalSavedWithAByteOrderMark_ReadsTheSameBothWays()
    {
        // An editor, or Windows PowerShell 5.1's Set-Content -Encoding UTF8, puts EF BB BF before line 1.
        var path = Path.Combine(_folder, "bom.jsonl");
        File.WriteAllText(path, string.Join("\n", EveryKind()) + "\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);
        var backward = Backward(path);
        Assert.Equal(ForwardInBackwardOrder(path), backward);
        Assert.StartsWith("header 1 ", backward[0], StringComparison.Ordinal);
    }

    [Fact]
    public void AJournalOfManyBlocks_AndALineLongerThanABlock_ReadTheSameBothWays()
    {
        var lines = new List<string> { Header };
        var call = 0;
        for (var i = 0; i < 4000; i++)
        {
            if (i % 100 == 0) call++;
            lines.Add(SetIntent(call, i, "user" + i, "city", "c" + i, i % 3 == 0 ? null : "p" + i));
            if (i % 100 == 99) lines.AddRange(Enumerable.Range(i - 99, 100).Select(u => Outcome(call, u, "user" + u)));
        }
        // A value longer than a block (and than the buffer the reader starts with).
        lines.Add(SetIntent(call + 1, 5000, "long", "city", new string('v', JournalBackwardReader.BlockSize * 3), "short"));
        lines.Add(Outcome(call + 1, 5000, "long"));
        var path = Write("blocks.jsonl", lines, "\r\n");
        Assert.True(new FileInfo(path).Length > 4 * JournalBackwardReader.BlockSize);
        var backward = Backward(path);
        Assert.Equal(ForwardInBackwardOrder(path), backward);
        Assert.Equal(4002, backward.Count);
        Assert.All(backward.Skip(1), s => Assert.Contains(" Done ", s, StringComparison.Ordinal));
    }

    [Fact]
    public void ATornLastLineIsSkippedAndReported_AsTheForwardReaderDoes()
    {
        var lines = EveryKind().Take(8).ToList();
        var path = Write("torn.jsonl", lines.Append("{\"type\":\"outcome\",\"call\":"), finalNewline: false);
        long? torn = null;
        var backward = Backward(path, line => torn = line);
        Assert.Equal(9, torn);
        Assert.Equal(ForwardInBackwardOrder(path), backward);
    }

    [Fact]
    public void AnOutcomeWithoutItsIntent_ASecondIntent_AndBytesThatAreNotUtf8_AreJournalInvalidNamingTheLine()
    {
        // An outcome after a resumed run's header whose intent is before it: the forward reader names it too.
        var orphan = Write("orphan.jsonl", new[] { Header, SetIntent(1, 0, "alice", "city", "Paris", "Rome"), Header, Outcome(1, 0, "alice") });
        Assert.Equal(Message(() => Drain(JournalReader.Read(orphan))), Message(() => Drain(JournalBackwardReader.Read(orphan))));
        Assert.Contains("line 4", Message(() => Drain(JournalBackwardReader.Read(orphan))), StringComparison.Ordinal);

        var twice = Write("twice.jsonl", new[] { Header, SetIntent(1, 0, "alice", "city", "Paris", "Rome"), SetIntent(1, 1, "alice", "city", "Lyon", "Rome"), Outcome(1, 1, "alice") });
        Assert.Equal(Message(() => Drain(JournalReader.Read(twice))), Message(() => Drain(JournalBackwardReader.Read(twice))));
        Assert.Contains("line 3", Message(() => Drain(JournalBackwardReader.Read(twice))), StringComparison.Ordinal);

        var doubled = Write("doubled.jsonl", new[] { Header, SetIntent(1, 0, "alice", "city", "Paris", "Rome"), Outcome(1, 0, "alice"), Outcome(1, 0, "alice") });
        Assert.Equal(Message(() => Drain(JournalReader.Read(doubled))), Message(() => Drain(JournalBackwardReader.Read(doubled))));

        var ansi = Path.Combine(_folder, "ansi.jsonl");
        File.WriteAllBytes(ansi, Encoding.UTF8.GetBytes(Header + "\n" + SetIntent(1, 0, "alice", "city", "Paris", "Rome") + "\n").Concat(new byte[] { 0x55, 0xE9, 0xFF, 0x0A }).Concat(Encoding.UTF8.GetBytes(Outcome(1, 0, "alice") + "\n")).ToArray());
        var e = Assert.Throws<ImInputException>(() => Drain(JournalBackwardReader.Read(ansi)));
        Assert.Equal(ErrorIds.JournalInvalid, e.ErrorId);
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("ansi.jsonl", e.Message, StringComparison.Ordinal);

        var notJournal = Write("other.jsonl", new[] { SetIntent(1, 0, "alice", "city", "Paris", "Rome") });
        Assert.Contains("line 1", Message(() => Drain(JournalBackwardReader.Read(notJournal))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("outcome", "its outcome 'Dne' is none of")]
    [InlineData("call", "its call number is below 0")]
    [InlineData("pos", "a position is not a whole number from 0")]
    [InlineData("huge", "a position is not a whole number from 0")]
    [InlineData("surrogate", "a text in it cannot be read")]
    public void AHandEditedLine_ABadOutcome_CallOrPosition_OrALoneSurrogate_IsJournalInvalidNamingTheLine_BothWays(string edit, string why)
    {
        var line = edit switch
        {
            "outcome" => Outcome(1, 0, "alice", "Dne"),
            "call" => Outcome(-14, 0, "alice"),
            "pos" => SetIntent(1, 0, "alice", "city", "Paris", "Rome").Replace("\"pos\":[0]", "\"pos\":[-3]", StringComparison.Ordinal),
            "huge" => SetIntent(1, 0, "alice", "city", "Paris", "Rome").Replace("\"pos\":[0]", "\"pos\":[1e30,0]", StringComparison.Ordinal),
            _ => SetIntent(1, 0, "alice", "city", "Paris\\ud800", "Rome"),
        };
        var lines = edit is "outcome" or "call"
            ? new[] { Header, SetIntent(1, 0, "alice", "city", "Paris", "Rome"), line }
            : new[] { Header, line, Outcome(1, 0, "alice") };
        var path = Write("edited-" + edit + ".jsonl", lines);
        var bad = edit is "outcome" or "call" ? 3 : 2;
        foreach (var read in new Func<IEnumerable<object>>[] { () => JournalReader.Read(path), () => JournalBackwardReader.Read(path) })
        {
            var e = Assert.Throws<ImInputException>(() => Drain(read()));
            Assert.Equal(ErrorIds.JournalInvalid, e.ErrorId);
            Assert.Contains("line " + bad, e.Message, StringComparison.Ordinal);
            Assert.Contains(why, e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("\"appAttributeNames\":{\"x\":\"city\"},\"priorAppAttributeNames\":{\"0\":\"city\"}", "'x' in 'appAttributeNames' is not a slot number")]
    [InlineData("\"appAttributeNames\":{\"0\":\"city\"},\"priorAppAttributeNames\":{\"12\":\"city\"}", "'12' in 'priorAppAttributeNames' is not a slot number")]
    [InlineData("\"appAttributeNames\":{\"0\":\"city\"},\"priorAppAttributeNames\":{\"0\":\"city\"},\"priorAccountTypes\":{\"0\":\"Admin\"}", "the account type 'Admin' of slot 0")]
    [InlineData("\"appAttributeNames\":{\"0\":\"city\"},\"priorAppAttributeNames\":{\"0\":\"city\"},\"priorAccountTypes\":{\"0\":\"1\"}", "the account type '1' of slot 0")]
    [InlineData("\"appAttributeNames\":{\"0\":\"city\"},\"accountTypes\":{\"0\":\"Nobody\"},\"priorAppAttributeNames\":{\"0\":\"city\"}", "the account type 'Nobody' of slot 0 in 'accountTypes'")]
    [InlineData("\"appAttributeNames\":{\"0\":\"city\"},\"priorAppAttributeNames\":{\"0\":\"city\",\"1\":\"tier\"},\"priorAccountTypes\":{\"0\":\"UserId\"}", "no account type for slot 1")]
    [InlineData("\"appAttributeNames\":{\"0\":\"city\"},\"priorAppAttributeNames\":{\"0\":\"city\",\"1\":\"city\"}", "could not be registered again")]
    public void AnEditedAppNamesRecordIsJournalInvalidNamingTheFileAndTheLine_BothWays(string names, string why)
    {
        var header = Header.Replace("Set-ImUserAttribute", "Set-ImAppAttributeName", StringComparison.Ordinal);
        var path = Write("names.jsonl", new[] { header, "{\"type\":\"intent\",\"call\":1,\"pos\":[0]," + names + "}", Outcome(1, 0, "") });
        foreach (var read in new Action[] { () => Drain(JournalReader.Read(path)), () => Drain(JournalBackwardReader.Read(path)) })
        {
            var e = Assert.Throws<ImInputException>(read);
            Assert.Equal(ErrorIds.JournalInvalid, e.ErrorId);
            Assert.Contains("names.jsonl' is not valid at line 2", e.Message, StringComparison.Ordinal);
            Assert.Contains(why, e.Message, StringComparison.Ordinal);
        }
    }

    private static void Drain(IEnumerable<object> entries)
    {
        foreach (var entry in entries) Assert.NotNull(entry);
    }

    private static string Message(Action read)
    {
        var e = Assert.Throws<ImInputException>(read);
        Assert.Equal(ErrorIds.JournalInvalid, e.ErrorId);
        return e.Message;
    }
}
