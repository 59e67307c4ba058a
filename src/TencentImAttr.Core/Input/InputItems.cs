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

    /// <summary>Property names that carry the attribute names to remove.</summary>
    public static readonly IReadOnlyList<string> NameProperties = new[] { "Name", "Names", "AttributeName" };

    /// <summary>
    /// A pipeline object for Get: a string is a user id; an object (or a table) names its user in a UserId, To_Account
    /// or Account property.
    /// </summary>
    /// <param name="inputObject">The object itself (unwrapped), used as the target of errors and for strings and tables.</param>
    /// <param name="properties">The object's property names and values, or null for a string or a table.</param>
    /// <param name="service">The API family, for the user-id rule.</param>
    /// <param name="unwrap">Removes PowerShell wrappers from values.</param>
    public static Checked<GetItem> ForGetFromObject(object? inputObject, IEnumerable<KeyValuePair<string, object?>>? properties, ImService service, Func<object?, object?>? unwrap = null)
    {
        var read = PipelineObject.Read(inputObject, properties, unwrap);
        if (read.Error is not null) return Checked<GetItem>.Invalid(read.Error);
        return ForGet(read.UserId, service);
    }

    /// <summary>
    /// A pipeline object for Remove: its user as for Get; the names from <paramref name="names"/> (-Name) when given,
    /// else from the object's Name (Names, AttributeName) property.
    /// </summary>
    public static Checked<RemoveItem> ForRemoveFromObject(object? inputObject, IEnumerable<KeyValuePair<string, object?>>? properties, IEnumerable<string?>? names, ImService service, Func<object?, object?>? unwrap = null)
    {
        var read = PipelineObject.Read(inputObject, properties, unwrap);
        if (read.Error is not null) return Checked<RemoveItem>.Invalid(read.Error);
        if (names is null)
        {
            var found = read.Properties.FirstOrDefault(p => NameProperties.Contains(p.Key, StringComparer.OrdinalIgnoreCase));
            names = read.Unwrap(found.Value) switch
            {
                null => null,
                string one => new[] { one },
                IEnumerable many => many.Cast<object?>().Select(n => read.Unwrap(n) is { } v ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) : null).ToList(),
                var other => new[] { Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) },
            };
        }
        return ForRemove(read.UserId, names, service);
    }

    /// <summary>
    /// A pipeline object for Set: a string is a user id (then <paramref name="extra"/> holds the attributes); otherwise
    /// the user is read as for Get, and the attributes from an Attributes table (as Get-ImUserAttribute emits it) and
    /// from every other property (as Import-Csv makes them), where an empty cell is skipped. <paramref name="extra"/>
    /// is applied last and wins.
    /// </summary>
    /// <param name="inputObject">The object itself (unwrapped), used as the target of errors and for strings and tables.</param>
    /// <param name="properties">The object's property names and values, or null for a string or a table.</param>
    /// <param name="extra">The -Attribute table, or null.</param>
    /// <param name="service">The API family, for the user-id rule.</param>
    /// <param name="unwrap">Removes PowerShell wrappers from values.</param>
    public static Checked<SetItem> ForSetFromObject(object? inputObject, IEnumerable<KeyValuePair<string, object?>>? properties, IDictionary? extra, ImService service, Func<object?, object?>? unwrap = null)
    {
        var read = PipelineObject.Read(inputObject, properties, unwrap);
        if (read.Error is not null) return Checked<SetItem>.Invalid(read.Error);
        if (read.IdProperty is null)
        {
            if (extra is null)
            {
                return Checked<SetItem>.Invalid(new ImInputException("AttributeSetEmpty", $"User '{Text.MessageText.Quote(read.UserId)}': a user id came through the pipeline without -Attribute, so there is nothing to set.", read.UserId));
            }
            return ForSet(read.UserId, extra, service, read.Unwrap);
        }
        var id = read.UserId;
        var bad = InputRules.CheckUserId(id, service);
        if (bad is not null) return Checked<SetItem>.Invalid(bad);

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var hasAttributeColumns = false;
        foreach (var p in read.Properties)
        {
            if (string.Equals(p.Key, read.IdProperty, StringComparison.OrdinalIgnoreCase)) continue;
            hasAttributeColumns = true;
            var value = read.Unwrap(p.Value);
            if (AttributeTableProperties.Contains(p.Key, StringComparer.OrdinalIgnoreCase))
            {
                bad = value is IDictionary nested ? AddTable(values, nested, id!, read.Unwrap) : ExportedTableText.Check(p.Key, value, id!);
                if (bad is not null) return Checked<SetItem>.Invalid(bad);
                if (value is IDictionary) continue;
            }
            // An empty CSV cell means "nothing to set here", not "set to empty".
            if (value is null || value is string { Length: 0 }) continue;
            bad = Add(values, p.Key, value, id!);
            if (bad is not null) return Checked<SetItem>.Invalid(bad);
        }
        if (extra is not null)
        {
            bad = AddTable(values, extra, id!, read.Unwrap);
            if (bad is not null) return Checked<SetItem>.Invalid(bad);
        }
        // A row whose attribute cells are all empty (or an empty Attributes table) is what a user without attributes
        // exports as: it sets nothing, and that is not an error, so that a restore runs clean. No column at all is.
        if (values.Count == 0 && hasAttributeColumns) return Checked<SetItem>.Valid(new SetItem(id!, values));
        return Finish(id!, values);
    }

    /// <summary>What a pipeline object says about its user: the id, the property it came from (null for a plain string), its properties.</summary>
    private readonly struct PipelineObject
    {
        private PipelineObject(string? userId, string? idProperty, List<KeyValuePair<string, object?>> properties, Func<object?, object?> unwrap, ImInputException? error)
        {
            UserId = userId;
            IdProperty = idProperty;
            Properties = properties;
            Unwrap = unwrap;
            Error = error;
        }

        public string? UserId { get; }
        public string? IdProperty { get; }
        public List<KeyValuePair<string, object?>> Properties { get; }
        public Func<object?, object?> Unwrap { get; }
        public ImInputException? Error { get; }

        public static PipelineObject Read(object? inputObject, IEnumerable<KeyValuePair<string, object?>>? properties, Func<object?, object?>? unwrap)
        {
            unwrap ??= v => v;
            var none = new List<KeyValuePair<string, object?>>();
            inputObject = unwrap(inputObject);
            switch (inputObject)
            {
                case null:
                    return new(null, null, none, unwrap, new ImInputException("InputObjectNull", "A null object came through the pipeline.", null));
                case string userId:
                    return new(userId, null, none, unwrap, null);
                case var number when InputProperties.NumberAsUserId(number) is { } numericId:
                    return new(numericId, null, none, unwrap, null);
                case IDictionary table:
                    properties = table.Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, object?>(Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "", e.Value));
                    break;
            }
            var props = InputProperties.WithoutIgnored(properties ?? none);
            if (InputProperties.FirstUnreadable(props, inputObject) is { } unreadable) return new(null, null, props, unwrap, unreadable);
            foreach (var candidate in UserIdProperties)
            {
                var found = props.FindIndex(p => string.Equals(p.Key, candidate, StringComparison.OrdinalIgnoreCase));
                if (found < 0) continue;
                var name = props[found].Key;
                var raw = unwrap(props[found].Value);
                var id = raw as string ?? (raw is IFormattable f ? f.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : null);
                if (raw is not null && id is null)
                {
                    return new(null, name, props, unwrap, new ImInputException("UserIdInvalidType", $"The {name} property of the input holds a {raw.GetType().FullName}, not a user id.", inputObject, ImErrorCategory.InvalidType));
                }
                return new(id, name, props, unwrap, null);
            }
            return new(null, null, props, unwrap, new ImInputException("InputObjectNoUserId",
                $"The input object has no UserId property (nor To_Account, nor Account), so it names no user. Its properties: {string.Join(", ", props.Select(p => Text.MessageText.Quote(p.Key)).Take(10))}.", inputObject));
        }
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
