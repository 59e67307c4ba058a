using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Core.Input;

/// <summary>
/// One input item as the cmdlets hand it over, already free of PowerShell's wrappers: a user id (from -UserId, or a
/// string from the pipeline), or an object whose properties name its user and carry what the operation reads. The
/// user is found here, once, for every operation; each operation reads the rest (<c>SetItem.Read</c> ...).
/// </summary>
internal sealed class PipelineRecord
{
    /// <summary>Property names that carry the user id, in order of preference.</summary>
    public static readonly IReadOnlyList<string> UserIdProperties = new[] { "UserId", "To_Account", "Account" };

    private static readonly IReadOnlyList<KeyValuePair<string, object?>> None = Array.Empty<KeyValuePair<string, object?>>();

    private PipelineRecord(object? target, string? userId, string? idProperty, IReadOnlyList<KeyValuePair<string, object?>> properties, bool fromPipeline, ImInputException? error)
    {
        Target = target;
        UserId = userId;
        IdProperty = idProperty;
        Properties = properties;
        FromPipeline = fromPipeline;
        Error = error;
    }

    /// <summary>The input itself: the target of its errors when it names no user.</summary>
    public object? Target { get; }

    /// <summary>The user id, or null.</summary>
    public string? UserId { get; }

    /// <summary>The property the id came from; null for a plain id (-UserId, or a string from the pipeline).</summary>
    public string? IdProperty { get; }

    /// <summary>The object's properties (a table's entries), the id's included; empty for a plain id.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Properties { get; }

    /// <summary>Whether the item came through the pipeline (else from -UserId).</summary>
    public bool FromPipeline { get; }

    /// <summary>Why the input names no user, or null.</summary>
    public ImInputException? Error { get; }

    /// <summary>One id of an explicit -UserId list.</summary>
    public static PipelineRecord ForUserId(string? userId) => new(userId, userId, null, None, false, null);

    /// <summary>
    /// A pipeline item: a string is a user id; a table's entries, or else <paramref name="properties"/>, name the user
    /// in a UserId, To_Account or Account property.
    /// </summary>
    /// <param name="input">The item, unwrapped.</param>
    /// <param name="properties">The item's properties with unwrapped values; ignored for a string or a table.</param>
    public static PipelineRecord FromObject(object? input, IReadOnlyList<KeyValuePair<string, object?>>? properties)
    {
        switch (input)
        {
            case null:
                return new(null, null, null, None, true, new ImInputException(ErrorIds.InputObjectNull, "A null object came through the pipeline.", null));
            case string userId:
                return new(userId, userId, null, None, true, null);
            case var number when InputProperties.NumberAsUserId(number) is { } numericId:
                return new(input, numericId, null, None, true, null);
            case IDictionary table:
                properties = table.Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, object?>(Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "", e.Value)).ToList();
                break;
        }
        var props = InputProperties.WithoutIgnored(properties ?? None);
        if (InputProperties.FirstUnreadable(props, input) is { } unreadable) return new(input, null, null, props, true, unreadable);
        foreach (var candidate in UserIdProperties)
        {
            // Once per object (issue 25): an index loop, not FirstOrDefault with a closure per candidate.
            var found = default(KeyValuePair<string, object?>);
            for (var k = 0; k < props.Count; k++)
            {
                if (string.Equals(props[k].Key, candidate, StringComparison.OrdinalIgnoreCase))
                {
                    found = props[k];
                    break;
                }
            }
            if (found.Key is null) continue;
            var raw = found.Value is DBNull ? null : found.Value;
            var id = raw as string ?? (raw is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : null);
            if (raw is not null && id is null)
            {
                return new(input, null, found.Key, props, true, new ImInputException(ErrorIds.UserIdInvalidType, $"The {MessageText.Quote(found.Key)} property of the input holds a {raw.GetType().FullName}, not a user id.", input, ImErrorCategory.InvalidType));
            }
            return new(input, id, found.Key, props, true, null);
        }
        return new(input, null, null, props, true, new ImInputException(ErrorIds.InputObjectNoUserId,
            $"The input object has no UserId property (nor To_Account, nor Account), so it names no user. Its properties: {string.Join(", ", props.Select(p => MessageText.Quote(p.Key)).Take(10))}.", input));
    }

    /// <summary>The first property, in the object's order, whose name is one of <paramref name="names"/> (any case); null when none.</summary>
    public KeyValuePair<string, object?>? Find(IReadOnlyList<string> names)
    {
        foreach (var p in Properties)
        {
            if (names.Contains(p.Key, StringComparer.OrdinalIgnoreCase)) return p;
        }
        return null;
    }

    /// <summary>
    /// The texts of the first property named one of <paramref name="names"/>: a string is one text (never split), a
    /// collection one text per element, anything else its invariant text; null when the object has no such property.
    /// </summary>
    public IReadOnlyList<string?>? FindTexts(IReadOnlyList<string> names) => Find(names)?.Value switch
    {
        null or DBNull => null,
        string one => new[] { one },
        IEnumerable many => many.Cast<object?>().Select(n => n is null ? null : Convert.ToString(n, CultureInfo.InvariantCulture)).ToList(),
        var other => new[] { Convert.ToString(other, CultureInfo.InvariantCulture) },
    };

    /// <summary>Checks the user id; null when it is valid.</summary>
    public ImInputException? CheckUser(ImService service) => Error ?? InputRules.CheckUserId(UserId, service);
}
