using System.Collections.Generic;

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
        Added = added;
        Changed = changed;
        Removed = removed;
    }

    /// <summary>The user (Tencent's To_Account).</summary>
    public string UserId { get; }

    /// <summary>Attributes the source gives that the user did not have: name to the new value.</summary>
    public IReadOnlyDictionary<string, string> Added { get; }

    /// <summary>Attributes whose value differs: name to the old and the new value.</summary>
    public IReadOnlyDictionary<string, AttributeValueChange> Changed { get; }

    /// <summary>Attributes the user had that the source does not give (or gives empty): name to the old value.</summary>
    public IReadOnlyDictionary<string, string> Removed { get; }

    /// <inheritdoc />
    public override string ToString() => UserId;
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
        Added = added;
        Removed = removed;
    }

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>Tags in the list that the user does not have, in the list's order.</summary>
    public IReadOnlyList<string> Added { get; }

    /// <summary>Tags the user has that the list does not, in the order the service gave them.</summary>
    public IReadOnlyList<string> Removed { get; }

    /// <inheritdoc />
    public override string ToString() => UserId;
}
