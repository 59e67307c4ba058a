using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Engine;

namespace TencentImAttr.Core.Input;

/// <summary>A user and the attributes to set, checked.</summary>
public sealed class SetItem
{
    internal SetItem(string userId, Dictionary<string, string> attributes)
    {
        UserId = userId;
        Attributes = attributes;
    }

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>Name to value, in the order given.</summary>
    public Dictionary<string, string> Attributes { get; }
}

/// <summary>A user and the attribute names to remove, checked.</summary>
public sealed class RemoveItem
{
    internal RemoveItem(string userId, List<string> names)
    {
        UserId = userId;
        Names = names;
    }

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>The names, without duplicates.</summary>
    public List<string> Names { get; }
}

/// <summary>A user to read, checked.</summary>
public sealed class GetItem
{
    internal GetItem(string userId) => UserId = userId;

    /// <summary>The user.</summary>
    public string UserId { get; }
}

/// <summary>
/// Reads the cmdlets' input into checked items. The cmdlets hand over plain values (PowerShell wrappers removed with
/// <c>unwrap</c>) so that every rule of interpretation lives here, where it is tested.
/// </summary>
public static class InputReader
{
    /// <summary>Property names that carry the user id, in order of preference.</summary>
    public static readonly IReadOnlyList<string> UserIdProperties = new[] { "UserId", "To_Account", "Account" };

    /// <summary>Property names that carry a whole attribute table.</summary>
    public static readonly IReadOnlyList<string> AttributeTableProperties = new[] { "Attributes", "Attribute", "Attrs" };

    /// <summary>A user to read.</summary>
    public static Checked<GetItem> ForGet(string? userId, ImService service)
    {
        var bad = InputRules.CheckUserId(userId, service);
        return bad is null ? Checked<GetItem>.Valid(new GetItem(userId!)) : Checked<GetItem>.Invalid(bad);
    }

    /// <summary>A user and the names to remove from it.</summary>
    public static Checked<RemoveItem> ForRemove(string? userId, IEnumerable<string?>? names, ImService service)
    {
        var bad = InputRules.CheckUserId(userId, service);
        if (bad is not null) return Checked<RemoveItem>.Invalid(bad);
        var list = new List<string>();
        foreach (var name in names ?? Array.Empty<string?>())
        {
            bad = InputRules.CheckName(name, userId);
            if (bad is not null) return Checked<RemoveItem>.Invalid(bad);
            if (!list.Contains(name!, StringComparer.Ordinal)) list.Add(name!);
        }
        if (list.Count == 0)
        {
            return Checked<RemoveItem>.Invalid(new ImInputException("NameListEmpty", $"User '{userId}': no attribute names to remove.", userId));
        }
        return Checked<RemoveItem>.Valid(new RemoveItem(userId!, list));
    }

    /// <summary>A user and a table of attributes to set (-UserId with -Attribute). Every entry must have a value.</summary>
    public static Checked<SetItem> ForSet(string? userId, IDictionary? attributes, ImService service, Func<object?, object?>? unwrap = null)
    {
        var bad = InputRules.CheckUserId(userId, service);
        if (bad is not null) return Checked<SetItem>.Invalid(bad);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bad = AddTable(values, attributes, userId!, unwrap);
        if (bad is not null) return Checked<SetItem>.Invalid(bad);
        return Finish(userId!, values);
    }

    /// <summary>
    /// A pipeline object for Set: a string is a user id (then <paramref name="extra"/> holds the attributes); otherwise
    /// the object's properties are read: the user id from UserId (or To_Account, Account); attributes from an Attributes
    /// table (as Get-ImUserAttribute emits it) and from every other property (as Import-Csv makes them), where an
    /// empty cell is skipped. <paramref name="extra"/> is applied last and wins.
    /// </summary>
    /// <param name="inputObject">The object itself (unwrapped), used as the target of errors and for strings and tables.</param>
    /// <param name="properties">The object's property names and values, or null for a string or a table.</param>
    /// <param name="extra">The -Attribute table, or null.</param>
    /// <param name="service">The API family, for the user-id rule.</param>
    /// <param name="unwrap">Removes PowerShell wrappers from values.</param>
    public static Checked<SetItem> ForSetFromObject(object? inputObject, IEnumerable<KeyValuePair<string, object?>>? properties, IDictionary? extra, ImService service, Func<object?, object?>? unwrap = null)
    {
        unwrap ??= v => v;
        inputObject = unwrap(inputObject);
        if (inputObject is string userId)
        {
            if (extra is null)
            {
                return Checked<SetItem>.Invalid(new ImInputException("AttributeSetEmpty", $"User '{userId}': a user id came through the pipeline without -Attribute, so there is nothing to set.", userId));
            }
            return ForSet(userId, extra, service, unwrap);
        }
        if (inputObject is null)
        {
            return Checked<SetItem>.Invalid(new ImInputException("InputObjectNull", "A null object came through the pipeline.", null));
        }
        if (inputObject is IDictionary table)
        {
            properties = table.Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, object?>(Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "", e.Value));
        }
        var props = (properties ?? Enumerable.Empty<KeyValuePair<string, object?>>()).ToList();

        string? id = null;
        string? idProperty = null;
        foreach (var candidate in UserIdProperties)
        {
            var found = props.FindIndex(p => string.Equals(p.Key, candidate, StringComparison.OrdinalIgnoreCase));
            if (found >= 0)
            {
                idProperty = props[found].Key;
                var raw = unwrap(props[found].Value);
                id = raw as string ?? (raw is IFormattable f ? f.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : null);
                if (raw is not null && id is null)
                {
                    return Checked<SetItem>.Invalid(new ImInputException("UserIdInvalidType", $"The {idProperty} property of the input holds a {raw.GetType().FullName}, not a user id.", inputObject, ImErrorCategory.InvalidType));
                }
                break;
            }
        }
        if (idProperty is null)
        {
            return Checked<SetItem>.Invalid(new ImInputException("InputObjectNoUserId",
                $"The input object has no UserId property (nor To_Account, nor Account), so it names no user. Its properties: {string.Join(", ", props.Select(p => p.Key).Take(10))}.", inputObject));
        }
        var bad = InputRules.CheckUserId(id, service);
        if (bad is not null) return Checked<SetItem>.Invalid(bad);

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in props)
        {
            if (ReferenceEquals(p.Key, idProperty) || string.Equals(p.Key, idProperty, StringComparison.OrdinalIgnoreCase)) continue;
            var value = unwrap(p.Value);
            if (AttributeTableProperties.Contains(p.Key, StringComparer.OrdinalIgnoreCase) && value is IDictionary nested)
            {
                bad = AddTable(values, nested, id!, unwrap);
                if (bad is not null) return Checked<SetItem>.Invalid(bad);
                continue;
            }
            // An empty CSV cell means "nothing to set here", not "set to empty".
            if (value is null || value is string { Length: 0 }) continue;
            bad = Add(values, p.Key, value, id!);
            if (bad is not null) return Checked<SetItem>.Invalid(bad);
        }
        if (extra is not null)
        {
            bad = AddTable(values, extra, id!, unwrap);
            if (bad is not null) return Checked<SetItem>.Invalid(bad);
        }
        return Finish(id!, values);
    }

    private static ImInputException? AddTable(Dictionary<string, string> values, IDictionary? table, string userId, Func<object?, object?>? unwrap)
    {
        if (table is null) return null;
        foreach (DictionaryEntry entry in table)
        {
            var key = unwrap is null ? entry.Key : unwrap(entry.Key);
            var bad = Add(values, key as string ?? Convert.ToString(key, System.Globalization.CultureInfo.InvariantCulture), unwrap is null ? entry.Value : unwrap(entry.Value), userId);
            if (bad is not null) return bad;
        }
        return null;
    }

    private static ImInputException? Add(Dictionary<string, string> values, string? name, object? value, string userId)
    {
        var bad = InputRules.CheckName(name, userId);
        if (bad is not null) return bad;
        bad = InputRules.ConvertValue(value, name!, userId, out var text);
        if (bad is not null) return bad;
        values[name!] = text;
        return null;
    }

    private static Checked<SetItem> Finish(string userId, Dictionary<string, string> values) =>
        values.Count == 0
            ? Checked<SetItem>.Invalid(new ImInputException("AttributeSetEmpty", $"User '{userId}': no attributes to set.", userId))
            : Checked<SetItem>.Valid(new SetItem(userId, values));
}
