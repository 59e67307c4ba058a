using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Journal;

/// <summary>What a resumed run does with an input item the journal holds.</summary>
internal enum ResumeState
{
    /// <summary>Done at this position with this change: skipped.</summary>
    Done,
    /// <summary>Sent, outcome not known (Unknown, Unrecorded, PartlyApplied): read back, written only if it differs.</summary>
    Unknown,
    /// <summary>Failed, not sent, declined or rejected: sent (or asked) again.</summary>
    Again,
}

/// <summary>
/// -Resume: the journal of the interrupted run, as an index from input position to the user and change recorded
/// there (a 64-bit hash of both) and what became of it. The last record for a position wins (a resumed run appends).
/// Memory: about 40 bytes per position, never the values.
/// </summary>
internal sealed class ResumeIndex
{
    private readonly Dictionary<long, (ulong Hash, ResumeState State)> _positions = new();

    private ResumeIndex(string path) => Path = path;

    /// <summary>The journal.</summary>
    public string Path { get; }

    /// <summary>The highest call number the journal holds: a resumed run numbers its calls after it.</summary>
    public long LastCall { get; private set; }

    /// <summary>
    /// Reads <paramref name="path"/>, refusing (JournalMismatch, naming the line) a journal of another command, app,
    /// endpoint or family, or one whose run was shaped by other parameters than <paramref name="header"/>'s.
    /// </summary>
    public static ResumeIndex Load(string path, JournalHeader header)
    {
        var index = new ResumeIndex(path);
        foreach (var entry in JournalReader.Read(path))
        {
            if (entry is RunJournalHeader h)
            {
                index.Check(h, header);
                continue;
            }
            var record = (RunJournalRecord)entry;
            if (record.Call is { } call && call > index.LastCall) index.LastCall = call;
            var state = record.Outcome switch
            {
                JournalOutcomes.Done => ResumeState.Done,
                JournalOutcomes.Unknown or JournalOutcomes.PartlyApplied or "Unrecorded" => ResumeState.Unknown,
                _ => ResumeState.Again,
            };
            var hash = record.Kind == "Item" ? Hash(record.UserId ?? "", KeyOf(record)) : 0UL;
            foreach (var position in record.Positions)
            {
                // An intent left open by a killed run is read at the next run's header (or the end), after what came
                // before it: a record of that position read already wins over it.
                if (record.Outcome == "Unrecorded" && index._positions.ContainsKey(position)) continue;
                index._positions[position] = (hash, state);
            }
        }
        return index;
    }

    private void Check(RunJournalHeader found, JournalHeader run)
    {
        string? why = null;
        if (found.Command != run.Command) why = $"it is the journal of {found.Command}, not of {run.Command}";
        else if (found.AppId != run.AppId) why = $"it is of app {found.AppId}, not {run.AppId}";
        else if (!string.Equals(found.Endpoint, run.Endpoint, StringComparison.OrdinalIgnoreCase)) why = $"it is of the endpoint {MessageText.Escape(found.Endpoint)}, not {run.Endpoint}";
        else if (found.Service != run.Service) why = $"it is of the {MessageText.Escape(found.Service)} family, not {run.Service}";
        else
        {
            var given = Shaping(run.Parameters);
            var recorded = Shaping(found.Parameters);
            if (given != recorded) why = $"its run had the parameters {(recorded.Length == 0 ? "(none)" : MessageText.Escape(recorded))}, and this one has {(given.Length == 0 ? "(none)" : given)}";
        }
        if (why is not null)
        {
            throw new ImInputException(ErrorIds.JournalMismatch, $"The journal '{MessageText.Escape(Path)}' cannot be resumed by this command (line {found.Line}): {why}. Nothing was sent.", Path);
        }
    }

    // What must be the same for the same run: -Replace, -RemoveUnlisted, -Verify... not how it runs (-ThrottleLimit, -MaxRetry, -Confirm, -Force).
    private static readonly HashSet<string> HowItRuns = new(StringComparer.OrdinalIgnoreCase) { "ThrottleLimit", "MaxRetry", "Confirm", "Force", "Resume", "VerifySettleSec" };

    private static string Shaping(IReadOnlyDictionary<string, string> parameters) =>
        string.Join(", ", parameters.Where(p => !HowItRuns.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => p.Key + "=" + p.Value));

    /// <summary>
    /// The state of the item at <paramref name="position"/>, or null when the journal holds none; a
    /// <see cref="ErrorIds.JournalMismatch"/> error when it holds another user or change there.
    /// </summary>
    public ResumeState? Lookup(long position, string user, string changeKey)
    {
        if (!_positions.TryGetValue(position, out var entry)) return null;
        if (entry.Hash != 0 && entry.Hash != Hash(user, changeKey))
        {
            throw new ImInputException(ErrorIds.JournalMismatch,
                $"The input differs from the journal '{MessageText.Escape(Path)}' at position {position} (user '{MessageText.Quote(user)}'): another user or another change was recorded there. A resumed run needs the same input, in the same order; nothing more is sent.", user);
        }
        return entry.State;
    }

    /// <summary>The change of a journal item, as <see cref="ChangeKeys"/> builds it from an input item.</summary>
    private static string KeyOf(RunJournalRecord r) =>
        ChangeKeys.Of(r.Set, r.Remove, r.Replace, r.AddTags, r.RemoveTags, r.ReplaceTags, r.ClearTags);

    /// <summary>FNV-1a, 64 bits, over the user and the change: stable across processes (string.GetHashCode is not).</summary>
    private static ulong Hash(string user, string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in user + "\u0000" + key)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash == 0 ? 1 : hash;
    }
}

/// <summary>One text for an item's change, the same from a journal record and from an input item (names sorted ordinally).</summary>
internal static class ChangeKeys
{
    /// <summary>The key of a change.</summary>
    public static string Of(IEnumerable<KeyValuePair<string, string>>? set, IEnumerable<string>? remove, IEnumerable<KeyValuePair<string, string>>? replace,
        IEnumerable<string>? addTags, IEnumerable<string>? removeTags, IEnumerable<string>? replaceTags, bool clearTags)
    {
        var key = new StringBuilder();
        Values(key, "set", set);
        List(key, "remove", remove);
        Values(key, "replace", replace);
        List(key, "addTags", addTags);
        List(key, "removeTags", removeTags);
        List(key, "replaceTags", replaceTags);
        if (clearTags) key.Append("clearTags\n");
        return key.ToString();
    }

    private static void Values(StringBuilder key, string kind, IEnumerable<KeyValuePair<string, string>>? values)
    {
        if (values is null) return;
        key.Append(kind);
        foreach (var p in values.OrderBy(p => p.Key, StringComparer.Ordinal)) key.Append('\u001f').Append(p.Key).Append('\u001e').Append(p.Value);
        key.Append('\n');
    }

    private static void List(StringBuilder key, string kind, IEnumerable<string>? texts)
    {
        if (texts is null) return;
        key.Append(kind);
        foreach (var t in texts.OrderBy(t => t, StringComparer.Ordinal)) key.Append('\u001f').Append(t);
        key.Append('\n');
    }
}
