using System.Collections.Generic;

namespace TencentImAttr.Models;

/// <summary>
/// A user's attributes: what Get-ImUserAttribute emits, and Set-ImUserAttribute -PassThru. Pipe it back into
/// Set-ImUserAttribute. It has no other public property on purpose: Set reads every property but UserId and
/// Attributes as an attribute (as it does for CSV columns).
/// </summary>
public sealed class UserAttributes
{
    /// <summary>Creates the object.</summary>
    public UserAttributes(string userId, Dictionary<string, string> attributes)
    {
        UserId = userId;
        Attributes = attributes;
    }

    /// <summary>The user (Tencent's To_Account).</summary>
    public string UserId { get; }

    /// <summary>
    /// Attribute name to value; empty when the user has none. Names keep their exact case; Get's tables look them up
    /// ignoring case, like a hashtable, unless the app has names that differ only in case.
    /// </summary>
    public Dictionary<string, string> Attributes { get; }

    /// <inheritdoc />
    public override string ToString() => UserId;
}

/// <summary>What Remove-ImUserAttribute -PassThru emits: a user and the names removed.</summary>
public sealed class RemovedUserAttributes
{
    /// <summary>Creates the object.</summary>
    public RemovedUserAttributes(string userId, IReadOnlyList<string> names)
    {
        UserId = userId;
        Names = names;
    }

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>The attribute names removed.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <inheritdoc />
    public override string ToString() => UserId;
}

/// <summary>One registered attribute name of the app: what Get-ImAppAttributeName emits.</summary>
public sealed class AppAttributeName
{
    /// <summary>Creates the object.</summary>
    public AppAttributeName(int slot, string name, AttributeAccountType? accountType)
    {
        Slot = slot;
        Name = name;
        AccountType = accountType;
    }

    /// <summary>The slot, 0 to 9 (the API's key "0".."9").</summary>
    public int Slot { get; }

    /// <summary>The attribute name.</summary>
    public string Name { get; }

    /// <summary>The Push service's account type for the attribute, where set.</summary>
    public AttributeAccountType? AccountType { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>The Push service's account type of an attribute (AttrTypes), fixed once set.</summary>
public enum AttributeAccountType
{
    /// <summary>The attribute applies to UserIDs.</summary>
    UserId = 0,
    /// <summary>The attribute applies to RegistrationIDs.</summary>
    RegistrationId = 1,
}
