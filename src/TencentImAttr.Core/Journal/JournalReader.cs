using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using TencentImAttr.Core.Errors;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Journal;

/// <summary>
/// Reads a run journal as it streams, first line to last: each header as a <see cref="RunJournalHeader"/>, each item
/// as a <see cref="RunJournalRecord"/> (an intent joined with its outcome, given when the outcome is read; intents of
/// calls that never got one at the end of their run's part, as Unrecorded). Memory: the intents of the calls still
/// open, never the file. Each line is parsed by <see cref="JournalLineParser"/> (an invalid one is
/// <see cref="ErrorIds.JournalInvalid"/> naming the file and the line); a torn last line (a process killed mid-write)
/// is skipped and reported through <c>torn</c>. Get-ImRunJournal, -Resume and Undo-ImRun's check read this way;
/// Undo-ImRun undoes with <see cref="JournalBackwardReader"/>.
/// </summary>
internal static class JournalReader
{
    /// <summary>Reads <paramref name="path"/>; <paramref name="torn"/> is told the number of a torn last line it skipped.</summary>
    public static IEnumerable<object> Read(string path, Action<long>? torn = null)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 65536, FileOptions.SequentialScan);
        using var reader = new StreamReader(file, new UTF8Encoding(false, true));
        var open = new Dictionary<(long Call, string User), RunJournalRecord>();
        long number = 0;
        string? text;
        while ((text = NextLine(reader, path, number + 1)) is not null)
        {
            number++;
            if (!JournalLineParser.TryParse(path, number, text, reader.EndOfStream, out var line))
            {
                torn?.Invoke(number);
                break;
            }
            switch (line.Type)
            {
                case JournalRecordTypes.Header:
                    // A resumed run's header: the intents still open belong to the run that was killed and will
                    // never have an outcome. They come out here, before the resumed run's records.
                    foreach (var unrecorded in Unrecorded(open)) yield return unrecorded;
                    yield return line.Header!;
                    break;
                case JournalRecordTypes.Intent:
                    var key = JournalLineParser.KeyOf(line.Record!);
                    if (open.ContainsKey(key)) throw JournalLineParser.SecondIntent(path, number, key.Call, key.User);
                    open.Add(key, line.Record!);
                    break;
                case JournalRecordTypes.Outcome:
                    var outcome = line.Outcome!;
                    if (!open.TryGetValue((outcome.Call, outcome.User), out var item)) throw JournalLineParser.OutcomeWithoutIntent(path, outcome);
                    open.Remove((outcome.Call, outcome.User));
                    outcome.ApplyTo(item);
                    yield return item;
                    break;
                default:
                    yield return line.Record!;
                    break;
            }
        }
        foreach (var unrecorded in Unrecorded(open)) yield return unrecorded;
    }

    /// <summary>The intents whose outcome was never written (the process ended), in the order of their lines; <paramref name="open"/> is emptied.</summary>
    private static List<RunJournalRecord> Unrecorded(Dictionary<(long Call, string User), RunJournalRecord> open)
    {
        var items = open.Values.OrderBy(i => i.Line).ToList();
        foreach (var item in items) item.Outcome = "Unrecorded";
        open.Clear();
        return items;
    }

    /// <summary>
    /// The next line; a file that is not UTF-8 text (an ANSI CSV given by mistake) is JournalInvalid. The reader decodes
    /// a buffer at a time, so the line named is where reading stopped, at or before the bad bytes.
    /// </summary>
    private static string? NextLine(StreamReader reader, string path, long number)
    {
        try
        {
            return reader.ReadLine();
        }
        catch (DecoderFallbackException)
        {
            throw Invalid(path, number, "it is not UTF-8 text (at this line or in the lines read with it)");
        }
    }

    /// <summary>The error of an invalid journal line (<see cref="JournalLineParser.Invalid"/>).</summary>
    public static ImInputException Invalid(string path, long line, string why) => JournalLineParser.Invalid(path, line, why);
}
