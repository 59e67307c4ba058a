using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using static TencentImAttr.Core.Journal.JournalFields;

namespace TencentImAttr.Core.Journal;

/// <summary>
/// What one write operation puts in its journal records: the change an item asks for, and what the user held of
/// exactly that before (read through the operation's get API); for a sync, also the change a done item made.
/// </summary>
/// <typeparam name="TItem">The write's item.</typeparam>
/// <typeparam name="TResult">What a done item yields.</typeparam>
/// <typeparam name="TState">What the read gives of a user (its attributes, or its tags).</typeparam>
internal abstract class JournalShape<TItem, TResult, TState>
    where TItem : class
    where TResult : class
    where TState : class
{
    /// <summary>Writes the intended change and the prior state into an intent record.</summary>
    public abstract void WriteIntent(Utf8JsonWriter w, TItem item, TState prior);

    /// <summary>The item's change as one text (<see cref="ChangeKeys"/>): what -Resume compares with the journal's record at the same position.</summary>
    public abstract string ChangeKey(TItem item);

    /// <summary>-Resume, an item of unknown outcome: whether the user, read now, holds the change already (then it is not written again).</summary>
    public virtual bool AlreadyApplied(TItem item, TState now) => false;

    /// <summary>The result of an item found applied already (<see cref="AlreadyApplied"/>), as the write would have given it.</summary>
    public virtual TResult AsDone(TItem item, TState now) => throw new NotSupportedException("This write is always sent.");

    /// <summary>Writes, into a Done outcome, the change the call actually made, where the intent does not say it (a sync's drift).</summary>
    public virtual void WriteEffect(Utf8JsonWriter w, TResult result)
    {
    }

    /// <summary>Writes, into a part of an outcome's <c>parts</c>, the change that part carried (a write sent in parts).</summary>
    public virtual void WritePart(Utf8JsonWriter w, TItem part)
    {
    }
}

/// <summary>Set-ImUserAttribute: the names set with their values; prior, those names' values.</summary>
internal sealed class SetJournalShape : JournalShape<SetItem, UserAttributes, UserAttributes>
{
    /// <inheritdoc />
    public override void WriteIntent(Utf8JsonWriter w, SetItem item, UserAttributes prior)
    {
        WriteValues(w, "set", item.Attributes);
        WritePrior(w, item.Attributes.Keys, prior.Attributes);
    }

    /// <inheritdoc />
    public override string ChangeKey(SetItem item) => ChangeKeys.Of(item.Attributes, null, null, null, null, null, false);

    /// <inheritdoc />
    public override bool AlreadyApplied(SetItem item, UserAttributes now) =>
        item.Attributes.All(p => now.Attributes.TryGetValue(p.Key, out var v) && v == p.Value);

    /// <inheritdoc />
    public override UserAttributes AsDone(SetItem item, UserAttributes now) => new(item.UserId, item.Attributes);
}

/// <summary>Remove-ImUserAttribute: the names removed; prior, those names' values.</summary>
internal sealed class RemoveJournalShape : JournalShape<RemoveItem, RemovedUserAttributes, UserAttributes>
{
    /// <inheritdoc />
    public override void WriteIntent(Utf8JsonWriter w, RemoveItem item, UserAttributes prior)
    {
        WriteList(w, "remove", item.Names);
        WritePrior(w, item.Names, prior.Attributes);
    }

    /// <inheritdoc />
    public override string ChangeKey(RemoveItem item) => ChangeKeys.Of(null, item.Names, null, null, null, null, false);

    /// <inheritdoc />
    public override bool AlreadyApplied(RemoveItem item, UserAttributes now) => !item.Names.Any(now.Attributes.ContainsKey);

    /// <inheritdoc />
    public override RemovedUserAttributes AsDone(RemoveItem item, UserAttributes now) => new(item.UserId, item.Names);
}

/// <summary>
/// Set-ImUserAttribute -Replace: the desired values the input carried; prior, every attribute the user held (which
/// names the sync removes depends on its rule, so the whole set is kept); a Done outcome says what the sync did
/// (names set with their values, names removed), so that the record holds the effective change whatever the rule.
/// </summary>
internal sealed class ReplaceJournalShape : JournalShape<SetItem, SyncResult<AttributeDrift>, UserAttributes>
{
    /// <inheritdoc />
    public override void WriteIntent(Utf8JsonWriter w, SetItem item, UserAttributes prior)
    {
        WriteValues(w, "replace", Carried(item));
        WriteValues(w, "prior", prior.Attributes);
        w.WriteBoolean("priorComplete", true);
        // Without it, a name the row did not carry was left alone by the sync, and an undo must leave it alone too.
        if (item.RemoveUnlisted) w.WriteBoolean("removeUnlisted", true);
    }

    /// <inheritdoc />
    public override string ChangeKey(SetItem item) => ChangeKeys.Of(null, null, Carried(item), null, null, null, false);

    /// <summary>What the row carried: each value it sets, and each name it removes as an empty text (the input's own spelling of a removal).</summary>
    private static IEnumerable<KeyValuePair<string, string>> Carried(SetItem item) =>
        item.Attributes.Concat(item.Removes.Select(n => new KeyValuePair<string, string>(n, "")));

    /// <summary>
    /// -Resume, an item of unknown outcome: the user holds what the row manages when the sync's own rule
    /// (<see cref="AttributeDiff"/>) finds no drift. Every name the user holds is taken as removable here (the app's
    /// registered names are the sync's to read): that can only find a drift the sync would not, for an unregistered
    /// name under -RemoveUnlisted, and then the item goes to the sync, which reads it again and writes nothing.
    /// </summary>
    public override bool AlreadyApplied(SetItem item, UserAttributes now) => AttributeDiff.Of(item, now.Attributes, now.Attributes.Keys.ToList()) is null;

    /// <summary>What the sync gives a user equal to the source: no drift, nothing written (the summary's unchanged).</summary>
    public override SyncResult<AttributeDrift> AsDone(SetItem item, UserAttributes now) => new(item.UserId, null, applied: false);

    /// <inheritdoc />
    public override void WriteEffect(Utf8JsonWriter w, SyncResult<AttributeDrift> result)
    {
        w.WriteStartObject("set");
        if (result.Drift is { } drift)
        {
            foreach (var added in drift.Added) w.WriteString(added.Key, added.Value);
            foreach (var changed in drift.Changed) w.WriteString(changed.Key, changed.Value.New);
        }
        w.WriteEndObject();
        WriteList(w, "removed", result.Drift?.Removed.Keys ?? (IEnumerable<string>)System.Array.Empty<string>());
    }
}

/// <summary>The tag writes: the tags added, removed or replacing the set, or a clear; prior, the user's whole tag set.</summary>
internal sealed class TagJournalShape : JournalShape<TagItem, UserTags, UserTags>
{
    private readonly string _property;

    private TagJournalShape(string property) => _property = property;

    /// <summary>Add-ImUserTag (<paramref name="replace"/>: -Replace, the list is the user's whole set).</summary>
    public static TagJournalShape Add(bool replace) => new(replace ? "replaceTags" : "addTags");

    /// <summary>Remove-ImUserTag.</summary>
    public static TagJournalShape Remove() => new("removeTags");

    /// <inheritdoc />
    public override void WriteIntent(Utf8JsonWriter w, TagItem item, UserTags prior)
    {
        WriteList(w, _property, item.Tags);
        WriteList(w, "priorTags", prior.Tags);
    }

    /// <inheritdoc />
    public override string ChangeKey(TagItem item) => _property switch
    {
        "addTags" => ChangeKeys.Of(null, null, null, item.Tags, null, null, false),
        "removeTags" => ChangeKeys.Of(null, null, null, null, item.Tags, null, false),
        _ => ChangeKeys.Of(null, null, null, null, null, item.Tags, false),
    };

    /// <inheritdoc />
    public override bool AlreadyApplied(TagItem item, UserTags now) => _property switch
    {
        "addTags" => item.Tags.All(now.Tags.Contains),
        "removeTags" => !item.Tags.Any(now.Tags.Contains),
        _ => UndoPlan.SetText(item.Tags) == UndoPlan.SetText(now.Tags),
    };

    /// <inheritdoc />
    public override UserTags AsDone(TagItem item, UserTags now) => new(item.UserId, item.Tags);

    /// <summary>A part's tags, in the order sent.</summary>
    public override void WritePart(Utf8JsonWriter w, TagItem part) => WriteList(w, "tags", part.Tags);
}

/// <summary>Clear-ImUserTag: every tag removed; prior, the user's whole tag set.</summary>
internal sealed class ClearTagsJournalShape : JournalShape<GetItem, UserTags, UserTags>
{
    /// <inheritdoc />
    public override void WriteIntent(Utf8JsonWriter w, GetItem item, UserTags prior)
    {
        w.WriteBoolean("clearTags", true);
        WriteList(w, "priorTags", prior.Tags);
    }

    /// <inheritdoc />
    public override string ChangeKey(GetItem item) => ChangeKeys.Of(null, null, null, null, null, null, true);

    /// <inheritdoc />
    public override bool AlreadyApplied(GetItem item, UserTags now) => now.Tags.Count == 0;

    /// <inheritdoc />
    public override UserTags AsDone(GetItem item, UserTags now) => new(item.UserId, Array.Empty<string>());
}
