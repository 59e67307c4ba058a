using System;
using System.Collections.Generic;
using System.Linq;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>Set: each attribute given has that value (attributes not given are not the write's business).</summary>
internal sealed class SetReadBack : IReadBackCheck<SetItem, GetItem, UserAttributes>
{
    /// <summary>A row of empty cells set nothing, and has nothing to read back.</summary>
    public bool NeedsReadBack(SetItem item) => item.Attributes.Count > 0;

    /// <inheritdoc />
    public GetItem ReadItem(SetItem item) => new(item.UserId);

    /// <inheritdoc />
    public ReadBackDifference? Compare(SetItem item, UserAttributes found, ReadBackShown shown)
    {
        var holds = ReadBackText.Exact(found.Attributes);
        var wrong = item.Attributes.Where(p => !holds.TryGetValue(p.Key, out var value) || !string.Equals(value, p.Value, StringComparison.Ordinal)).ToList();
        if (wrong.Count == 0) return null;
        return new ReadBackDifference(
            ReadBackText.List(wrong.Select(p => shown.Name(p.Key) + "=" + shown.Value(p.Value))),
            ReadBackText.List(wrong.Select(p => holds.TryGetValue(p.Key, out var value) ? shown.Name(p.Key) + "=" + shown.Value(value) : shown.Name(p.Key) + " not set")));
    }
}

/// <summary>
/// Set -Replace: the user holds what the source manages (<see cref="AttributeDiff"/>, the one home of that rule): only
/// the names the source carries are compared (a name carried empty must be gone), every registered name with
/// -RemoveUnlisted (an extra one is a difference); a missing or different value is a difference.
/// </summary>
internal sealed class ReplaceReadBack : IReadBackCheck<SetItem, GetItem, UserAttributes>
{
    private readonly Func<IReadOnlyCollection<string>> _registered;

    /// <summary>A check against the registered names <paramref name="registered"/> gives (the sync's, read once per command).</summary>
    public ReplaceReadBack(Func<IReadOnlyCollection<string>> registered) => _registered = registered;

    /// <summary>Every written user is checked (an empty table removed names: that is a write too); which users were written is the sync's to say.</summary>
    public bool NeedsReadBack(SetItem item) => true;

    /// <inheritdoc />
    public GetItem ReadItem(SetItem item) => new(item.UserId);

    /// <inheritdoc />
    public ReadBackDifference? Compare(SetItem item, UserAttributes found, ReadBackShown shown)
    {
        if (AttributeDiff.Of(item, found.Attributes, _registered()) is not { } drift) return null;
        var expected = drift.Added.Select(p => shown.Name(p.Key) + "=" + shown.Value(p.Value))
            .Concat(drift.Changed.Select(p => shown.Name(p.Key) + "=" + shown.Value(p.Value.New)))
            .Concat(drift.Removed.Select(p => shown.Name(p.Key) + " not set"));
        var held = drift.Added.Select(p => shown.Name(p.Key) + " not set")
            .Concat(drift.Changed.Select(p => shown.Name(p.Key) + "=" + shown.Value(p.Value.Old)))
            .Concat(drift.Removed.Select(p => shown.Name(p.Key) + "=" + shown.Value(p.Value)));
        return new ReadBackDifference(ReadBackText.List(expected), ReadBackText.List(held));
    }
}

/// <summary>Remove: none of the names given is set.</summary>
internal sealed class RemoveReadBack : IReadBackCheck<RemoveItem, GetItem, UserAttributes>
{
    /// <inheritdoc />
    public bool NeedsReadBack(RemoveItem item) => item.Names.Count > 0;

    /// <inheritdoc />
    public GetItem ReadItem(RemoveItem item) => new(item.UserId);

    /// <inheritdoc />
    public ReadBackDifference? Compare(RemoveItem item, UserAttributes found, ReadBackShown shown)
    {
        var holds = ReadBackText.Exact(found.Attributes);
        var left = item.Names.Where(holds.ContainsKey).ToList();
        return left.Count == 0
            ? null
            : new ReadBackDifference(ReadBackText.List(left.Select(n => shown.Name(n) + " not set")), ReadBackText.List(left.Select(n => shown.Name(n) + "=" + shown.Value(holds[n]))));
    }
}

/// <summary>Add tags: each tag given is held; with Replace, the user holds exactly those tags.</summary>
internal sealed class AddTagsReadBack : IReadBackCheck<TagItem, GetItem, UserTags>
{
    private readonly bool _replace;

    /// <summary>A check of an add; <paramref name="replace"/> when the add replaced the user's tags.</summary>
    public AddTagsReadBack(bool replace) => _replace = replace;

    /// <inheritdoc />
    public bool NeedsReadBack(TagItem item) => true;

    /// <inheritdoc />
    public GetItem ReadItem(TagItem item) => new(item.UserId);

    /// <inheritdoc />
    public ReadBackDifference? Compare(TagItem item, UserTags found, ReadBackShown shown)
    {
        var held = new HashSet<string>(found.Tags, StringComparer.Ordinal);
        var missing = item.Tags.Where(t => !held.Contains(t)).ToList();
        var extra = _replace ? found.Tags.Where(t => !item.Tags.Contains(t, StringComparer.Ordinal)).ToList() : new List<string>();
        if (missing.Count == 0 && extra.Count == 0) return null;
        var expected = (_replace ? "exactly the tags " : "the tags ") + ReadBackText.List(item.Tags.Select(shown.Value));
        var foundText = ReadBackText.Tags(found.Tags, shown)
            + (missing.Count > 0 ? " (missing " + ReadBackText.List(missing.Select(shown.Value)) + ")" : "")
            + (extra.Count > 0 ? " (not given " + ReadBackText.List(extra.Select(shown.Value)) + ")" : "");
        return new ReadBackDifference(expected, foundText);
    }
}

/// <summary>Remove tags: none of the tags given is held.</summary>
internal sealed class RemoveTagsReadBack : IReadBackCheck<TagItem, GetItem, UserTags>
{
    /// <inheritdoc />
    public bool NeedsReadBack(TagItem item) => true;

    /// <inheritdoc />
    public GetItem ReadItem(TagItem item) => new(item.UserId);

    /// <inheritdoc />
    public ReadBackDifference? Compare(TagItem item, UserTags found, ReadBackShown shown)
    {
        var left = item.Tags.Where(t => found.Tags.Contains(t, StringComparer.Ordinal)).ToList();
        return left.Count == 0 ? null : new ReadBackDifference("none of the tags " + ReadBackText.List(left.Select(shown.Value)), ReadBackText.Tags(found.Tags, shown));
    }
}

/// <summary>Clear tags: the user holds no tag.</summary>
internal sealed class ClearTagsReadBack : IReadBackCheck<GetItem, GetItem, UserTags>
{
    /// <inheritdoc />
    public bool NeedsReadBack(GetItem item) => true;

    /// <inheritdoc />
    public GetItem ReadItem(GetItem item) => item;

    /// <inheritdoc />
    public ReadBackDifference? Compare(GetItem item, UserTags found, ReadBackShown shown) =>
        found.Tags.Count == 0 ? null : new ReadBackDifference("no tags", ReadBackText.Tags(found.Tags, shown));
}

/// <summary>How the checks write names, values and lists into a mismatch message.</summary>
internal static class ReadBackText
{
    /// <summary>Items listed in a message before "and N more".</summary>
    public const int Listed = 10;

    /// <summary>
    /// The attributes found, by exact name: Get's tables look names up ignoring case (like a hashtable), but the
    /// service keeps names apart by case, and a write meant exactly the name it sent.
    /// </summary>
    public static Dictionary<string, string> Exact(IDictionary<string, string> attributes)
    {
        var exact = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in attributes) exact[pair.Key] = pair.Value;
        return exact;
    }

    /// <summary>The first <see cref="Listed"/> parts, comma-separated, then "and N more".</summary>
    public static string List(IEnumerable<string> parts)
    {
        var all = parts.ToList();
        var shown = string.Join(", ", all.Take(Listed));
        return all.Count > Listed ? shown + $" and {all.Count - Listed} more" : shown;
    }

    /// <summary>A user's tags as found: "tags 'a', 'b'", or "no tags".</summary>
    public static string Tags(IReadOnlyList<string> tags, ReadBackShown shown) =>
        tags.Count == 0 ? "no tags" : "tags " + List(tags.Select(shown.Value));
}
