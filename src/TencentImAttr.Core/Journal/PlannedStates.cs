using System;
using System.Collections.Generic;
using System.Linq;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Journal;

/// <summary>
/// Undo-ImRun -WhatIf: what each recently planned user would hold once its plan was carried out. The undo goes
/// backwards, so a user's earlier record is planned after its later one; nothing is restored under -WhatIf, so the
/// earlier record is planned against what the later record's restore would leave (as the real undo reads it after
/// that restore), not against what the user holds now. Memory stays flat: the last <see cref="DefaultCapacity"/>
/// users planned are kept, the oldest forgotten first; a user whose later record was planned further back than that
/// is planned against what it holds now. Thread-safe (batches plan side by side).
/// </summary>
internal sealed class PlannedStates
{
    /// <summary>Users kept.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly int _capacity;
    private readonly object _gate = new();
    private readonly Dictionary<string, (IReadOnlyDictionary<string, string>? Attributes, IReadOnlyList<string>? Tags, long Stamp)> _states = new(StringComparer.Ordinal);
    private readonly Queue<(string User, long Stamp)> _order = new();
    private long _stamp;

    /// <summary>Keeps the last <paramref name="capacity"/> users planned.</summary>
    public PlannedStates(int capacity) => _capacity = capacity;

    /// <summary>Replaces, in what a batch read, each user planned already by what its plan would have left.</summary>
    public void Overlay(Dictionary<string, IReadOnlyDictionary<string, string>> attributes, Dictionary<string, IReadOnlyList<string>> tags)
    {
        lock (_gate)
        {
            foreach (var user in attributes.Keys.ToList())
            {
                if (_states.TryGetValue(user, out var state) && state.Attributes is { } planned) attributes[user] = planned;
            }
            foreach (var user in tags.Keys.ToList())
            {
                if (_states.TryGetValue(user, out var state) && state.Tags is { } planned) tags[user] = planned;
            }
        }
    }

    /// <summary>Keeps what each user of a planned batch would hold after its steps (Restore and Overwrite carried out).</summary>
    public void Record(IEnumerable<(RunJournalRecord Item, List<RunUndoStep> Steps)> planned, Dictionary<string, IReadOnlyDictionary<string, string>> attributes,
        Dictionary<string, IReadOnlyList<string>> tags)
    {
        lock (_gate)
        {
            foreach (var (item, steps) in planned)
            {
                var user = item.UserId!;
                var after = attributes.TryGetValue(user, out var held) ? After(held, steps) : null;
                var afterTags = tags.TryGetValue(user, out var heldTags) ? After(heldTags, item, steps) : null;
                if (after is null && afterTags is null) continue;
                var stamp = ++_stamp;
                _states[user] = (after, afterTags, stamp);
                _order.Enqueue((user, stamp));
            }
            while (_states.Count > _capacity || _order.Count > 2 * _capacity)
            {
                var (user, stamp) = _order.Dequeue();
                if (_states.TryGetValue(user, out var state) && state.Stamp == stamp) _states.Remove(user);
            }
        }
    }

    private static bool Carried(RunUndoStep step) => step.Action is UndoActions.Restore or UndoActions.Overwrite;

    private static Dictionary<string, string> After(IReadOnlyDictionary<string, string> held, List<RunUndoStep> steps)
    {
        var after = new Dictionary<string, string>(held.Count, StringComparer.Ordinal);
        foreach (var pair in held) after[pair.Key] = pair.Value;
        foreach (var step in steps.Where(s => s.Kind == "Attribute" && Carried(s)))
        {
            if (step.Prior is null) after.Remove(step.Name);
            else after[step.Name] = step.Prior;
        }
        return after;
    }

    private static List<string> After(IReadOnlyList<string> held, RunJournalRecord item, List<RunUndoStep> steps)
    {
        var after = new List<string>(held);
        foreach (var step in steps.Where(Carried))
        {
            if (step.Kind == "TagSet")
            {
                after = (item.PriorTags ?? (IReadOnlyList<string>)Array.Empty<string>()).ToList();
            }
            else if (step.Kind == "Tag")
            {
                after.RemoveAll(t => string.Equals(t, step.Name, StringComparison.Ordinal));
                if (step.Prior is not null) after.Add(step.Name);
            }
        }
        return after;
    }
}
