using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Journal;

/// <summary>
/// Reads a run journal as it streams: each header as a <see cref="RunJournalHeader"/>, each item as a
/// <see cref="RunJournalRecord"/> (an intent joined with its outcome, given when the outcome is read; intents of
/// calls that never got one at the end, as Unrecorded). Memory: the intents of the calls still open, never the file.
/// A file that is not a journal, of a newer format, or edited into an invalid line is an
/// <see cref="ErrorIds.JournalInvalid"/> error naming the file and the line; a torn last line (a process killed
/// mid-write) is skipped and reported through <c>torn</c>.
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
        string? line;
        while ((line = NextLine(reader, path, number + 1)) is not null)
        {
            number++;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException) when (reader.EndOfStream && number > 1)
            {
                torn?.Invoke(number);
                break;
            }
            catch (JsonException e)
            {
                throw Invalid(path, number, "it is not a JSON object (" + e.Message + ")");
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw Invalid(path, number, "it is not a JSON object");
                var type = Text(root, "type");
                if (number == 1 && type != JournalRecordTypes.Header) throw Invalid(path, number, "a journal starts with its header; this file is not a run journal");
                switch (type)
                {
                    case JournalRecordTypes.Header:
                        // A resumed run's header: the intents still open belong to the run that was killed and will
                        // never have an outcome. They come out here, before the resumed run's records, so that a reader
                        // taking a user's first record (Undo-ImRun) takes the killed run's, with the prior it read.
                        foreach (var unrecorded in Unrecorded(open)) yield return unrecorded;
                        yield return Header(path, number, root);
                        break;
                    case JournalRecordTypes.Intent:
                        var intent = Intent(path, number, root);
                        var key = (intent.Call ?? 0, intent.UserId ?? "");
                        if (open.ContainsKey(key)) throw Invalid(path, number, $"user '{MessageText.Quote(key.Item2)}' has two intents in call {key.Item1}");
                        open.Add(key, intent);
                        break;
                    case JournalRecordTypes.Outcome:
                        var call = Number(path, number, root, "call");
                        var user = Required(path, number, root, "user");
                        if (!open.TryGetValue((call, user), out var item)) throw Invalid(path, number, $"the outcome of user '{MessageText.Quote(user)}' in call {call} has no intent before it");
                        open.Remove((call, user));
                        item.Outcome = Required(path, number, root, "outcome");
                        item.ErrorId = Text(root, "errorId");
                        item.HadUnknownAttempt = root.TryGetProperty("hadUnknownAttempt", out var unknown) && unknown.ValueKind == JsonValueKind.True;
                        item.AppliedSet = Values(path, number, root, "set");
                        item.AppliedRemove = List(path, number, root, "removed");
                        item.Parts = Parts(path, number, root);
                        yield return item;
                        break;
                    case JournalRecordTypes.Rejected:
                        yield return new RunJournalRecord("Rejected", number)
                        {
                            Positions = Positions(path, number, root), UserId = Text(root, "user"), Outcome = "Rejected", ErrorId = Text(root, "errorId"),
                        };
                        break;
                    case JournalRecordTypes.Declined:
                        yield return new RunJournalRecord("Declined", number)
                        {
                            Positions = Positions(path, number, root), UserId = Text(root, "user"), Outcome = JournalOutcomes.Declined,
                        };
                        break;
                    default:
                        throw Invalid(path, number, $"its type '{MessageText.Quote(type ?? "")}' is not one of this format's");
                }
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

    /// <summary>The error of an invalid journal line.</summary>
    public static ImInputException Invalid(string path, long line, string why) =>
        new(ErrorIds.JournalInvalid, $"The journal '{MessageText.Escape(path)}' is not valid at line {line}: {why}. Nothing was done with it.", path);

    private static RunJournalHeader Header(string path, long number, JsonElement root)
    {
        if (Text(root, "format") != RunJournal.FormatName) throw Invalid(path, number, "its header does not name the format " + RunJournal.FormatName);
        var version = (int)Number(path, number, root, "version");
        if (version > RunJournal.FormatVersion) throw Invalid(path, number, $"it is of format version {version}, newer than this module reads ({RunJournal.FormatVersion}): update the module");
        if (version < 1) throw Invalid(path, number, "its format version is not valid");
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("parameters", out var given) && given.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in given.EnumerateObject()) parameters[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        DateTimeOffset? started = DateTimeOffset.TryParse(Text(root, "started"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return new RunJournalHeader(path, number, version, Required(path, number, root, "command"), Number(path, number, root, "appId"), Text(root, "identifier") ?? "",
            Text(root, "endpoint") ?? "", Text(root, "service") ?? "", parameters, Text(root, "moduleVersion") ?? "", started);
    }

    private static RunJournalRecord Intent(string path, long number, JsonElement root)
    {
        var item = new RunJournalRecord("Item", number)
        {
            Call = Number(path, number, root, "call"),
            Positions = Positions(path, number, root),
            UserId = Text(root, "user"),
            Set = Values(path, number, root, "set"),
            Remove = List(path, number, root, "remove"),
            Replace = Values(path, number, root, "replace"),
            Prior = Prior(path, number, root),
            PriorComplete = root.TryGetProperty("priorComplete", out var complete) && complete.ValueKind == JsonValueKind.True,
            RemoveUnlisted = root.TryGetProperty("removeUnlisted", out var unlisted) && unlisted.ValueKind == JsonValueKind.True,
            AddTags = List(path, number, root, "addTags"),
            RemoveTags = List(path, number, root, "removeTags"),
            ReplaceTags = List(path, number, root, "replaceTags"),
            ClearTags = root.TryGetProperty("clearTags", out var clear) && clear.ValueKind == JsonValueKind.True,
            PriorTags = List(path, number, root, "priorTags"),
            AppAttributeNames = Values(path, number, root, "appAttributeNames"),
            AccountTypes = Values(path, number, root, "accountTypes"),
            PriorAppAttributeNames = Values(path, number, root, "priorAppAttributeNames"),
            PriorAccountTypes = Values(path, number, root, "priorAccountTypes"),
        };
        if (item.UserId is null && item.AppAttributeNames is null) throw Invalid(path, number, "an intent names no user");
        item.Change = ChangeText(item);
        return item;
    }

    /// <summary>A short text of the change: "set city=Rome", "remove tier", "add tags vip", "clear tags", ...; control characters escaped.</summary>
    private static string ChangeText(RunJournalRecord r) => MessageText.Escape(ChangeWords(r));

    private static string ChangeWords(RunJournalRecord r)
    {
        var parts = new List<string>();
        if (r.Set is { } set) parts.Add("set " + string.Join(", ", set.Select(p => p.Key + "=" + p.Value)));
        if (r.Remove is { } remove) parts.Add("remove " + string.Join(", ", remove));
        if (r.Replace is { } replace) parts.Add("replace with " + string.Join(", ", replace.Select(p => p.Key + "=" + p.Value)));
        if (r.AddTags is { } add) parts.Add("add tags " + string.Join(", ", add));
        if (r.RemoveTags is { } removeTags) parts.Add("remove tags " + string.Join(", ", removeTags));
        if (r.ReplaceTags is { } replaceTags) parts.Add("replace tags with " + string.Join(", ", replaceTags));
        if (r.ClearTags) parts.Add("clear tags");
        if (r.AppAttributeNames is { } names) parts.Add("app attribute names " + string.Join(", ", names.Values));
        return string.Join("; ", parts);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Required(string path, long number, JsonElement root, string name) =>
        Text(root, name) ?? throw Invalid(path, number, $"it has no text '{name}'");

    private static long Number(string path, long number, JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : throw Invalid(path, number, $"it has no number '{name}'");

    private static long[] Positions(string path, long number, JsonElement root)
    {
        if (!root.TryGetProperty("pos", out var pos) || pos.ValueKind != JsonValueKind.Array) throw Invalid(path, number, "it has no positions 'pos'");
        var positions = new long[pos.GetArrayLength()];
        var i = 0;
        foreach (var p in pos.EnumerateArray())
        {
            if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt64(out positions[i++])) throw Invalid(path, number, "a position is not a number");
        }
        return positions;
    }

    private static Dictionary<string, string>? Values(string path, long number, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object) throw Invalid(path, number, $"'{name}' is not an object");
        // Ordinal: names that differ only in case are two names.
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) throw Invalid(path, number, $"the value of '{MessageText.Quote(p.Name)}' in '{name}' is not text");
            values[p.Name] = p.Value.GetString()!;
        }
        return values;
    }

    private static Dictionary<string, string?>? Prior(string path, long number, JsonElement root)
    {
        if (!root.TryGetProperty("prior", out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object) throw Invalid(path, number, "'prior' is not an object");
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var p in value.EnumerateObject())
        {
            values[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Null => null,
                _ => throw Invalid(path, number, $"the prior of '{MessageText.Quote(p.Name)}' is neither text nor null"),
            };
        }
        return values;
    }

    private static List<RunJournalPart>? Parts(string path, long number, JsonElement root)
    {
        if (!root.TryGetProperty("parts", out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) throw Invalid(path, number, "'parts' is not a list");
        var parts = new List<RunJournalPart>(value.GetArrayLength());
        foreach (var part in value.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object) throw Invalid(path, number, "an entry of 'parts' is not an object");
            parts.Add(new RunJournalPart(List(path, number, part, "tags") ?? new List<string>(), Required(path, number, part, "outcome"), Text(part, "errorId")));
        }
        return parts;
    }

    private static List<string>? List(string path, long number, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array) throw Invalid(path, number, $"'{name}' is not a list");
        var list = new List<string>(value.GetArrayLength());
        foreach (var t in value.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.String) throw Invalid(path, number, $"an entry of '{name}' is not text");
            list.Add(t.GetString()!);
        }
        return list;
    }
}
