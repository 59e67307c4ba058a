using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Core.Text;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Journal;

/// <summary>An outcome line: what became of one user of one call, waiting to be joined with its intent.</summary>
internal sealed class JournalOutcomeLine
{
    /// <summary>The outcome's line in the file.</summary>
    public long Line { get; set; }

    /// <summary>The call the outcome is of.</summary>
    public long Call { get; set; }

    /// <summary>The user.</summary>
    public string User { get; set; } = "";

    /// <summary>Done, Failed, Unknown, NotSent, PartlyApplied.</summary>
    public string Outcome { get; set; } = "";

    /// <summary>The error id of a failure.</summary>
    public string? ErrorId { get; set; }

    /// <summary>An attempt was cut after sending.</summary>
    public bool HadUnknownAttempt { get; set; }

    /// <summary>A sync's Done outcome: the names it set.</summary>
    public Dictionary<string, string>? AppliedSet { get; set; }

    /// <summary>A sync's Done outcome: the names it removed.</summary>
    public List<string>? AppliedRemove { get; set; }

    /// <summary>A tag list sent in parts that did not complete: each part's tags and outcome.</summary>
    public List<RunJournalPart>? Parts { get; set; }

    /// <summary>Joins the outcome with its intent record.</summary>
    public void ApplyTo(RunJournalRecord item)
    {
        item.Outcome = Outcome;
        item.ErrorId = ErrorId;
        item.HadUnknownAttempt = HadUnknownAttempt;
        item.AppliedSet = AppliedSet;
        item.AppliedRemove = AppliedRemove;
        item.Parts = Parts;
    }
}

/// <summary>One line of a journal, parsed: a header, an intent (a record without its outcome yet), an outcome, or a rejected or declined record.</summary>
internal readonly struct JournalLine
{
    private JournalLine(string type, RunJournalHeader? header, RunJournalRecord? record, JournalOutcomeLine? outcome)
    {
        Type = type;
        Header = header;
        Record = record;
        Outcome = outcome;
    }

    /// <summary>The record type (<see cref="JournalRecordTypes"/>).</summary>
    public string Type { get; }

    /// <summary>A header line's run.</summary>
    public RunJournalHeader? Header { get; }

    /// <summary>An intent (its outcome not joined yet), a rejected or a declined record.</summary>
    public RunJournalRecord? Record { get; }

    /// <summary>An outcome line.</summary>
    public JournalOutcomeLine? Outcome { get; }

    internal static JournalLine Of(RunJournalHeader header) => new(JournalRecordTypes.Header, header, null, null);

    internal static JournalLine Of(string type, RunJournalRecord record) => new(type, null, record, null);

    internal static JournalLine Of(JournalOutcomeLine outcome) => new(JournalRecordTypes.Outcome, null, null, outcome);
}

/// <summary>
/// The one home of what a journal line must be (docs/journal.md): the forward reader (<see cref="JournalReader"/>)
/// and the backward one (<see cref="JournalBackwardReader"/>) both parse each line here, so that a line is valid or
/// invalid, with the same words, whichever way it is read. An invalid line is <see cref="ErrorIds.JournalInvalid"/>
/// naming the file and the line.
/// </summary>
internal static class JournalLineParser
{
    /// <summary>
    /// Parses the text of line <paramref name="number"/>. Text that is not JSON is a torn line when
    /// <paramref name="mayBeTorn"/> (the file's last line, not its first): then false, and nothing else is wrong.
    /// </summary>
    public static bool TryParse(string path, long number, string text, bool mayBeTorn, out JournalLine line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException) when (mayBeTorn && number > 1)
        {
            line = default;
            return false;
        }
        catch (JsonException e)
        {
            throw Invalid(path, number, "it is not a JSON object (" + e.Message + ")");
        }
        using (document)
        {
            try
            {
                line = Parse(path, number, document.RootElement);
            }
            catch (InvalidOperationException e)
            {
                // A text JSON cannot give as a string (a lone surrogate, "\ud800", in a hand-edited value).
                throw Invalid(path, number, "a text in it cannot be read (" + e.Message + ")");
            }
            return true;
        }
    }

    /// <summary>The error of an invalid journal line.</summary>
    public static ImInputException Invalid(string path, long line, string why) =>
        new(ErrorIds.JournalInvalid, $"The journal '{MessageText.Escape(path)}' is not valid at line {line}: {why}. Nothing was done with it.", path);

    /// <summary>The error of an outcome with no intent before it (in its run's part of the file).</summary>
    public static ImInputException OutcomeWithoutIntent(string path, JournalOutcomeLine outcome) =>
        Invalid(path, outcome.Line, $"the outcome of user '{MessageText.Quote(outcome.User)}' in call {outcome.Call} has no intent before it");

    /// <summary>The error of a second intent of a user in one call.</summary>
    public static ImInputException SecondIntent(string path, long line, long call, string user) =>
        Invalid(path, line, $"user '{MessageText.Quote(user)}' has two intents in call {call}");

    /// <summary>The key that ties an intent to its outcome: the call and the user.</summary>
    public static (long Call, string User) KeyOf(RunJournalRecord intent) => (intent.Call ?? 0, intent.UserId ?? "");

    private static JournalLine Parse(string path, long number, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw Invalid(path, number, "it is not a JSON object");
        var type = Text(root, "type");
        if (number == 1 && type != JournalRecordTypes.Header) throw Invalid(path, number, "a journal starts with its header; this file is not a run journal");
        switch (type)
        {
            case JournalRecordTypes.Header:
                return JournalLine.Of(Header(path, number, root));
            case JournalRecordTypes.Intent:
                return JournalLine.Of(JournalRecordTypes.Intent, Intent(path, number, root));
            case JournalRecordTypes.Outcome:
                return JournalLine.Of(new JournalOutcomeLine
                {
                    Line = number,
                    Call = CallNumber(path, number, root),
                    User = Required(path, number, root, "user"),
                    Outcome = OutcomeOf(path, number, root),
                    ErrorId = Text(root, "errorId"),
                    HadUnknownAttempt = root.TryGetProperty("hadUnknownAttempt", out var unknown) && unknown.ValueKind == JsonValueKind.True,
                    AppliedSet = Values(path, number, root, "set"),
                    AppliedRemove = List(path, number, root, "removed"),
                    Parts = Parts(path, number, root),
                });
            case JournalRecordTypes.Rejected:
                return JournalLine.Of(type, new RunJournalRecord("Rejected", number)
                {
                    Positions = Positions(path, number, root), UserId = Text(root, "user"), Outcome = "Rejected", ErrorId = Text(root, "errorId"),
                    Change = "refused before any call (" + MessageText.Escape(Text(root, "errorId") ?? "") + ")",
                });
            case JournalRecordTypes.Declined:
                return JournalLine.Of(type, new RunJournalRecord("Declined", number)
                {
                    Positions = Positions(path, number, root), UserId = Text(root, "user"), Outcome = JournalOutcomes.Declined,
                    Change = "not sent: declined at its question",
                });
            default:
                throw Invalid(path, number, $"its type '{MessageText.Quote(type ?? "")}' is not one of this format's");
        }
    }

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
            Call = CallNumber(path, number, root),
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
            AppAttributeNames = Slots(path, number, Values(path, number, root, "appAttributeNames"), "appAttributeNames"),
            AccountTypes = AccountTypes(path, number, Values(path, number, root, "accountTypes"), "accountTypes"),
            PriorAppAttributeNames = Slots(path, number, Values(path, number, root, "priorAppAttributeNames"), "priorAppAttributeNames"),
            PriorAccountTypes = AccountTypes(path, number, Values(path, number, root, "priorAccountTypes"), "priorAccountTypes"),
        };
        if (item.UserId is null && item.AppAttributeNames is null) throw Invalid(path, number, "an intent names no user");
        if (item.AppAttributeNames is not null) CheckPriorAppNames(path, number, item);
        item.Change = ChangeText(item);
        return item;
    }

    /// <summary>The slot of an app attribute name as the journal writes it ("0" to "9"); null when it is not one.</summary>
    public static int? SlotOf(string key) =>
        int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var slot) && slot < InputRules.MaxAppAttributes ? slot : null;

    /// <summary>An account type as the journal writes it (its name); null when it is not one.</summary>
    public static AttributeAccountType? AccountTypeOf(string text) =>
        Enum.GetNames(typeof(AttributeAccountType)).Contains(text, StringComparer.Ordinal) ? (AttributeAccountType)Enum.Parse(typeof(AttributeAccountType), text) : null;

    private static Dictionary<string, string>? Slots(string path, long number, Dictionary<string, string>? names, string property)
    {
        if (names is null) return null;
        foreach (var slot in names.Keys)
        {
            if (SlotOf(slot) is null) throw Invalid(path, number, $"'{MessageText.Quote(slot)}' in '{property}' is not a slot number from 0 to {InputRules.MaxAppAttributes - 1}");
        }
        return names;
    }

    private static Dictionary<string, string>? AccountTypes(string path, long number, Dictionary<string, string>? types, string property)
    {
        if (types is null) return null;
        Slots(path, number, types, property);
        foreach (var type in types)
        {
            if (AccountTypeOf(type.Value) is null)
            {
                throw Invalid(path, number, $"the account type '{MessageText.Quote(type.Value)}' of slot {MessageText.Quote(type.Key)} in '{property}' is not one of {string.Join(", ", Enum.GetNames(typeof(AttributeAccountType)))}");
            }
        }
        return types;
    }

    /// <summary>
    /// The names an undo would register again must be a list the service takes, with an account type for each name
    /// when the run recorded any: checked here, by the rules of Set-ImAppAttributeName, so that an edited line is
    /// refused naming its line before anything is sent, not when its restore is built.
    /// </summary>
    private static void CheckPriorAppNames(string path, long number, RunJournalRecord item)
    {
        if (item.PriorAppAttributeNames is not { Count: > 0 } prior) return;
        var types = item.PriorAccountTypes ?? new Dictionary<string, string>();
        var missing = types.Count == 0 ? null : prior.Keys.FirstOrDefault(slot => !types.ContainsKey(slot));
        if (missing is not null) throw Invalid(path, number, $"'priorAccountTypes' has no account type for slot {MessageText.Quote(missing)} of 'priorAppAttributeNames'");
        try
        {
            PriorNamesRequest(item, ImService.Push);
        }
        catch (ImInputException e)
        {
            throw Invalid(path, number, "its 'priorAppAttributeNames' could not be registered again (" + e.Message + ")");
        }
    }

    /// <summary>The request that registers an app-names record's prior names again, in slot order (the line was checked when it was read).</summary>
    public static SetAttributeNamesRequest PriorNamesRequest(RunJournalRecord item, ImService service)
    {
        var bySlot = (item.PriorAppAttributeNames ?? new Dictionary<string, string>()).OrderBy(p => SlotOf(p.Key)).ToList();
        var types = item.PriorAccountTypes is { Count: > 0 } priorTypes ? bySlot.Select(p => AccountTypeOf(priorTypes[p.Key])!.Value).ToList() : null;
        return AppAttributeNames.BuildRequest(bySlot.Select(p => (string?)p.Value).ToList(), types, service);
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

    private static long CallNumber(string path, long number, JsonElement root) =>
        Number(path, number, root, "call") is var call and >= 0 ? call : throw Invalid(path, number, "its call number is below 0");

    /// <summary>What an outcome line (or a part of one) may say became of its call.</summary>
    private static readonly HashSet<string> Outcomes = new(StringComparer.Ordinal)
    {
        JournalOutcomes.Done, JournalOutcomes.Failed, JournalOutcomes.Unknown, JournalOutcomes.NotSent, JournalOutcomes.PartlyApplied, JournalOutcomes.Declined,
    };

    private static string OutcomeOf(string path, long number, JsonElement root)
    {
        var outcome = Required(path, number, root, "outcome");
        return Outcomes.Contains(outcome) ? outcome
            : throw Invalid(path, number, $"its outcome '{MessageText.Escape(outcome)}' is none of {string.Join(", ", Outcomes)}");
    }

    private static long[] Positions(string path, long number, JsonElement root)
    {
        if (!root.TryGetProperty("pos", out var pos) || pos.ValueKind != JsonValueKind.Array) throw Invalid(path, number, "it has no positions 'pos'");
        var positions = new long[pos.GetArrayLength()];
        var i = 0;
        foreach (var p in pos.EnumerateArray())
        {
            if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt64(out positions[i]) || positions[i++] < 0) throw Invalid(path, number, "a position is not a whole number from 0");
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
            parts.Add(new RunJournalPart(List(path, number, part, "tags") ?? new List<string>(), OutcomeOf(path, number, part), Text(part, "errorId")));
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
