using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Models;

/// <summary>
/// How one user differs from the source of a Set-ImUserAttribute -Replace: what -WhatIf reports for each user that
/// would change, and -PassThru writes for each user changed. A user already equal to the source has none.
/// </summary>
public sealed class AttributeDrift
{
    internal AttributeDrift(string userId, IReadOnlyDictionary<string, string> added, IReadOnlyDictionary<string, AttributeValueChange> changed,
        IReadOnlyDictionary<string, string> removed)
    {
        UserId = userId;
        Added = new DriftTable<string>(added);
        Changed = new DriftTable<AttributeValueChange>(changed);
        Removed = new DriftTable<string>(removed);
    }

    /// <summary>The user (Tencent's To_Account).</summary>
    public string UserId { get; }

    /// <summary>
    /// Attributes the source gives that the user did not have: name to the new value. Reads like any table
    /// ($_.Added.city); as text (Export-Csv, "$($_.Added)") it is <c>city=Rome; tier=gold</c>, escaped and quoted as
    /// the views show it.
    /// </summary>
    public IReadOnlyDictionary<string, string> Added { get; }

    /// <summary>Attributes whose value differs: name to the old and the new value; as text <c>city=Rome->Oslo</c>.</summary>
    public IReadOnlyDictionary<string, AttributeValueChange> Changed { get; }

    /// <summary>Attributes the user had that the source does not give (or gives empty): name to the old value.</summary>
    public IReadOnlyDictionary<string, string> Removed { get; }

    /// <inheritdoc />
    public override string ToString() => UserId;

    /// <summary>The part a set writes (added and changed), for a user whose remove did not land.</summary>
    internal AttributeDrift SetPart() => new(UserId, Added, Changed, new Dictionary<string, string>());

    /// <summary>The part a remove writes, for a user whose set did not land.</summary>
    internal AttributeDrift RemovePart() => new(UserId, new Dictionary<string, string>(), new Dictionary<string, AttributeValueChange>(), Removed);
}

/// <summary>
/// A drift's table: a read-only dictionary in the order found, whose text is its pairs (<c>city=Rome; tier=gold</c>,
/// a change as <c>old->new</c>), so that Export-Csv and string expansion write what it holds, not its type name.
/// </summary>
internal sealed class DriftTable<TValue> : ReadOnlyDictionary<string, TValue>
{
    public DriftTable(IReadOnlyDictionary<string, TValue> pairs)
        : base(pairs.ToDictionary(p => p.Key, p => p.Value, System.StringComparer.Ordinal))
    {
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Join("; ", this.Select(p => DisplayText.Value(p.Key) + "=" + (p.Value is AttributeValueChange c ? DisplayText.Side(c.Old) + "->" + DisplayText.Side(c.New) : DisplayText.Value(p.Value as string))));
}

/// <summary>A drift's list of tags, whose text is <c>a, b, c</c> (escaped and quoted as the views show it), so that Export-Csv writes what it holds.</summary>
internal sealed class DriftList : ReadOnlyCollection<string>
{
    public DriftList(IReadOnlyList<string> items)
        : base(items.ToList())
    {
    }

    /// <inheritdoc />
    public override string ToString() => DisplayText.List(this);
}

/// <summary>An attribute whose value a -Replace changes: the value the user had, and the source's.</summary>
public sealed class AttributeValueChange
{
    internal AttributeValueChange(string oldValue, string newValue)
    {
        Old = oldValue;
        New = newValue;
    }

    /// <summary>The value the user had.</summary>
    public string Old { get; }

    /// <summary>The source's value.</summary>
    public string New { get; }

    /// <inheritdoc />
    public override string ToString() => Old + " -> " + New;
}

/// <summary>
/// How one user's tags differ from the list of an Add-ImUserTag -Replace: what -WhatIf reports for each user whose
/// tags would change.
/// </summary>
public sealed class TagDrift
{
    internal TagDrift(string userId, IReadOnlyList<string> added, IReadOnlyList<string> removed)
    {
        UserId = userId;
        Added = new DriftList(added);
        Removed = new DriftList(removed);
    }

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>Tags in the list that the user does not have, in the list's order; as text <c>a, b</c> (Export-Csv writes that).</summary>
    public IReadOnlyList<string> Added { get; }

    /// <summary>Tags the user has that the list does not, in the order the service gave them.</summary>
    public IReadOnlyList<string> Removed { get; }

    /// <inheritdoc />
    public override string ToString() => UserId;
}
