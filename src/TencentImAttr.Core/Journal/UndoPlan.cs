using System;
using System.Collections.Generic;
using System.Linq;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Journal;

/// <summary>The actions of an undo step.</summary>
internal static class UndoActions
{
    /// <summary>It holds what the run intended: put the prior back.</summary>
    public const string Restore = "Restore";
    /// <summary>It holds the prior already (the write never landed, or was undone).</summary>
    public const string Unchanged = "Unchanged";
    /// <summary>Something else: changed since the run; left alone.</summary>
    public const string Conflict = "Conflict";
    /// <summary>A conflict restored all the same (-OverwriteConflict).</summary>
    public const string Overwrite = "Overwrite";
    /// <summary>Cannot be put back (app names whose account type changed).</summary>
    public const string Refused = "Refused";
}

/// <summary>
/// What an undo does for one journal item, given what the user holds now: per attribute name for attributes, per tag
/// for added and removed tags, the exact set for a tag -Replace and Clear. The rule, for each: holding what the run
/// intended, restore the prior; holding the prior, nothing to do; anything else is a conflict.
/// </summary>
internal static class UndoPlan
{
    /// <summary>
    /// Whether the item may have changed something: what was not sent, or was refused, changed nothing, unless an
    /// earlier attempt of its call was of unknown outcome (hadUnknownAttempt: a timeout, then a failure or a stop), which
    /// may have landed.
    /// </summary>
    public static bool MayHaveChanged(RunJournalRecord item) =>
        item.Kind == "Item" && (item.Outcome is JournalOutcomes.Done or JournalOutcomes.Unknown or JournalOutcomes.PartlyApplied or "Unrecorded" || item.HadUnknownAttempt);

    /// <summary>Whether a call of the item may still land after the journal ends: its outcome is not known, or an abandoned attempt preceded it.</summary>
    public static bool MayStillLand(RunJournalRecord item) =>
        item.Outcome is JournalOutcomes.Unknown or JournalOutcomes.PartlyApplied or "Unrecorded" || item.HadUnknownAttempt;

    /// <summary>Whether the item is about attributes (read with the attribute get API).</summary>
    public static bool IsAttributes(RunJournalRecord item) => item.Set is not null || item.Remove is not null || item.Replace is not null;

    /// <summary>Whether the item is about tags.</summary>
    public static bool IsTags(RunJournalRecord item) => item.AddTags is not null || item.RemoveTags is not null || item.ReplaceTags is not null || item.ClearTags;

    /// <summary>
    /// The attribute steps: each name the item meant to change, with its intended and prior value (null: absent), and
    /// the value now. A -Replace that is known done uses what the sync did; one of unknown outcome, every name of the
    /// row (an empty value: intended absent), and with -RemoveUnlisted every name of the prior set the row did not carry
    /// (intended absent: the sync may have removed it).
    /// </summary>
    public static List<RunUndoStep> Attributes(RunJournalRecord item, IReadOnlyDictionary<string, string> now, bool overwrite)
    {
        var steps = new List<RunUndoStep>();
        var user = item.UserId ?? "";
        var prior = item.Prior ?? new Dictionary<string, string?>();
        var units = new List<(string Name, string? Intended)>();
        if (item.Set is { } set) units.AddRange(set.Select(p => (p.Key, (string?)p.Value)));
        if (item.Remove is { } remove) units.AddRange(remove.Select(n => (n, (string?)null)));
        if (item.Replace is { } replace)
        {
            if (item.AppliedSet is not null || item.AppliedRemove is not null)
            {
                units.AddRange((item.AppliedSet ?? new Dictionary<string, string>()).Select(p => (p.Key, (string?)p.Value)));
                units.AddRange((item.AppliedRemove ?? (IReadOnlyList<string>)Array.Empty<string>()).Select(n => (n, (string?)null)));
            }
            else
            {
                units.AddRange(replace.Select(p => (p.Key, p.Value.Length == 0 ? null : (string?)p.Value)));
                // Only a whole-set sync (-RemoveUnlisted) meant to remove the names its row did not carry; without it
                // they were left alone, and whatever they hold now is someone else's doing.
                if (item.RemoveUnlisted) units.AddRange(prior.Keys.Where(n => !replace.ContainsKey(n)).Select(n => (n, (string?)null)));
            }
        }
        foreach (var (name, intended) in units)
        {
            var before = prior.TryGetValue(name, out var p) ? p : null;
            var current = now.TryGetValue(name, out var c) ? c : null;
            steps.Add(new RunUndoStep(user, "Attribute", name, intended, current, before, Decide(current, intended, before, overwrite)));
        }
        return steps;
    }

    /// <summary>The tag steps: per tag added or removed (present or absent), or the whole set for a tag -Replace or Clear.</summary>
    public static List<RunUndoStep> Tags(RunJournalRecord item, IReadOnlyList<string> now, bool overwrite)
    {
        var steps = new List<RunUndoStep>();
        var user = item.UserId ?? "";
        var prior = item.PriorTags ?? (IReadOnlyList<string>)Array.Empty<string>();
        var nowSet = new HashSet<string>(now, StringComparer.Ordinal);
        var priorSet = new HashSet<string>(prior, StringComparer.Ordinal);
        void PerTag(IEnumerable<string> tags, bool intendedPresent)
        {
            foreach (var tag in tags)
            {
                var before = priorSet.Contains(tag) ? tag : null;
                var intended = intendedPresent ? tag : null;
                var current = nowSet.Contains(tag) ? tag : null;
                if (before == intended) continue; // the run did not change this tag
                steps.Add(new RunUndoStep(user, "Tag", tag, intended, current, before, Decide(current, intended, before, overwrite)));
            }
        }
        // A list sent in parts that did not complete: only its parts that may have landed changed anything.
        var landed = item.TagsThatMayHaveLanded is { } mayHaveLanded ? new HashSet<string>(mayHaveLanded, StringComparer.Ordinal) : null;
        if (item.AddTags is { } add) PerTag(landed is null ? add : add.Where(landed.Contains), intendedPresent: true);
        if (item.RemoveTags is { } remove) PerTag(landed is null ? remove : remove.Where(landed.Contains), intendedPresent: false);
        if (item.ReplaceTags is not null || item.ClearTags)
        {
            var intended = item.ReplaceTags ?? (IReadOnlyList<string>)Array.Empty<string>();
            var intendedText = SetText(intended);
            var priorText = SetText(prior);
            if (intendedText != priorText)
            {
                steps.Add(new RunUndoStep(user, "TagSet", "", intendedText, SetText(now), priorText, Decide(SetText(now), intendedText, priorText, overwrite)));
            }
        }
        return steps;
    }

    /// <summary>A tag set as one text: its tags sorted (ordinal), comma-separated, for comparing sets.</summary>
    public static string SetText(IEnumerable<string> tags) => string.Join(",", tags.Distinct(StringComparer.Ordinal).OrderBy(t => t, StringComparer.Ordinal));

    /// <summary>The one rule: holding the intended, restore; holding the prior, unchanged; else a conflict (or, told so, an overwrite).</summary>
    public static string Decide(string? now, string? intended, string? prior, bool overwrite) =>
        string.Equals(now, prior, StringComparison.Ordinal) ? UndoActions.Unchanged
        : string.Equals(now, intended, StringComparison.Ordinal) ? UndoActions.Restore
        : overwrite ? UndoActions.Overwrite : UndoActions.Conflict;
}
