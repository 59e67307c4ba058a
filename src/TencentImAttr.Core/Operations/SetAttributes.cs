using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Serialization.Metadata;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Text;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>A user and the attributes to set, checked.</summary>
internal sealed class SetItem
{
    /// <summary>Property names that carry a whole attribute table (as Get-ImUserAttribute emits it).</summary>
    public static readonly IReadOnlyList<string> TableProperties = new[] { "Attributes", "Attribute", "Attrs" };

    internal SetItem(string userId, Dictionary<string, string> attributes)
    {
        UserId = userId;
        Attributes = attributes;
    }

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>Name to value, in the order given.</summary>
    public Dictionary<string, string> Attributes { get; }

    /// <summary>
    /// Reads an item: a plain id takes the attributes of <paramref name="extra"/> (-Attribute); an object gives its
    /// own, from an Attributes table and from every other property (CSV columns; an empty cell is skipped), and
    /// <paramref name="extra"/> is applied last and wins. Every value is checked and converted.
    /// With <paramref name="replace"/> (-Replace) the item is the user's whole desired state: an empty or null value,
    /// in a cell or a table, is left out (so the user ends without it), and an empty set (a row of empty cells, an
    /// empty table) is valid: the user ends with no attributes.
    /// </summary>
    public static ItemOutcome<SetItem> Read(PipelineRecord record, IDictionary? extra, ImService service, bool replace = false)
    {
        var bad = record.CheckUser(service);
        if (bad is not null) return ItemOutcome<SetItem>.Rejected(bad);
        var user = record.UserId!;
        if (record.IdProperty is null && extra is null && record.FromPipeline)
        {
            return ItemOutcome<SetItem>.Rejected(new ImInputException(ErrorIds.AttributeSetEmpty, $"User '{MessageText.Quote(user)}': a user id came through the pipeline without -Attribute, so there is nothing to set.", user));
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var hasAttributeColumns = false;
        // A plain id has no properties to read. This runs once per user: an index loop and IsTableProperty, not
        // foreach over the interface and LINQ's Contains, which allocate an enumerator each (issue 18).
        var properties = record.IdProperty is null ? Array.Empty<KeyValuePair<string, object?>>() : record.Properties;
        for (var k = 0; k < properties.Count; k++)
        {
            var p = properties[k];
            if (string.Equals(p.Key, record.IdProperty, StringComparison.OrdinalIgnoreCase)) continue;
            hasAttributeColumns = true;
            if (IsTableProperty(p.Key) && (p.Value is IDictionary || ExportedTableText.Check(p.Key, p.Value, user) is not null))
            {
                bad = p.Value is IDictionary nested ? AddTable(values, nested, user, replace, p.Key) : ExportedTableText.Check(p.Key, p.Value, user);
            }
            // An empty CSV cell means "nothing to set here", not "set to empty".
            else if (p.Value is not null && p.Value is not string { Length: 0 })
            {
                bad = Add(values, p.Key, p.Value, user);
            }
            if (bad is not null) return ItemOutcome<SetItem>.Rejected(bad);
        }
        bad = AddTable(values, extra, user, replace);
        if (bad is not null) return ItemOutcome<SetItem>.Rejected(bad);
        // -Replace: "exactly nothing" is a state too, when something was given (columns, or a table, even empty).
        if (replace && values.Count == 0 && (hasAttributeColumns || extra is not null)) return ItemOutcome<SetItem>.Success(new SetItem(user, values));
        // A row whose attribute cells are all empty (or an empty Attributes table) is what a user without attributes
        // exports as: it sets nothing, and that is not an error, so that a restore runs clean. No column at all is.
        if (values.Count == 0 && hasAttributeColumns) return ItemOutcome<SetItem>.Success(new SetItem(user, values));
        return values.Count == 0
            ? ItemOutcome<SetItem>.Rejected(new ImInputException(ErrorIds.AttributeSetEmpty, $"User '{user}': no attributes to set.", user))
            : ItemOutcome<SetItem>.Success(new SetItem(user, values));
    }

    private static bool IsTableProperty(string name)
    {
        for (var k = 0; k < TableProperties.Count; k++)
        {
            if (string.Equals(name, TableProperties[k], StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <param name="values">Where the checked texts go.</param>
    /// <param name="table">The table read.</param>
    /// <param name="user">The user, for messages.</param>
    /// <param name="replace">-Replace: an empty value removes.</param>
    /// <param name="column">The input's table property (Attributes...), where the table came with the input; null for -Attribute.</param>
    private static ImInputException? AddTable(Dictionary<string, string> values, IDictionary? table, string user, bool replace, string? column = null)
    {
        if (table is null) return null;
        // The enumerator's Entry, not foreach's Current: Current is an object, a boxed copy of the entry per attribute.
        var entries = table.GetEnumerator();
        while (entries.MoveNext())
        {
            var entry = entries.Entry;
            var name = entry.Key as string ?? Convert.ToString(entry.Key, CultureInfo.InvariantCulture);
            if (replace && entry.Value is null or string { Length: 0 })
            {
                // -Replace: an empty value means "the user ends without it", and it wins over an earlier value.
                var nameBad = InputRules.CheckName(name, user);
                if (nameBad is not null) return nameBad;
                values.Remove(name!);
                continue;
            }
            var bad = column is not null && entry.Value is DateTime or DateTimeOffset
                ? DateInTable(column, name, entry.Value, user)
                : Add(values, name, entry.Value, user);
            if (bad is not null) return bad;
        }
        return null;
    }

    /// <summary>
    /// A date object inside an input's Attributes table: Get writes values as texts, and ConvertFrom-Json turns a
    /// date-like text into a date, whose text written back would differ (its format, its time zone). A restore is
    /// exact or refused, so it is refused, with the ways to keep the text. A date given in -Attribute is meant as a date.
    /// </summary>
    private static ImInputException DateInTable(string column, string? name, object value, string user)
    {
        var text = value is DateTime d ? d.ToString("o", CultureInfo.InvariantCulture) + " (" + d.Kind + ")" : ((DateTimeOffset)value).ToString("o", CultureInfo.InvariantCulture);
        return new ImInputException(ErrorIds.AttributeTableDate,
            $"User '{MessageText.Quote(user)}': the attribute '{MessageText.Quote(name)}' of the {MessageText.Quote(column)} table holds a date object ({text}), not text, so the user is not sent: "
            + "ConvertFrom-Json makes dates of date-like texts, and writing one back would change the text (its format, its time zone). "
            + "Keep the texts: read the file with ConvertFrom-Json -AsHashtable -DateKind String (PowerShell 7.5 or later), or back up with Export-Clixml and restore with Import-Clixml (exact on every PowerShell). "
            + "To send a date on purpose, give it in -Attribute, or as text.",
            user, ImErrorCategory.InvalidType);
    }

    private static ImInputException? Add(Dictionary<string, string> values, string? name, object? value, string user)
    {
        var bad = InputRules.CheckName(name, user);
        if (bad is not null) return bad;
        bad = InputRules.ConvertValue(value, name!, user, out var text);
        if (bad is null) values[name!] = text;
        return bad;
    }
}

/// <summary>im_set_attr / set_attr: sets the given attributes of each user; other attributes stay as they are.</summary>
internal sealed class SetAttributesOperation : BulkOperation<SetItem, UserAttributes, SetAttributesRequest, ApiEnvelope>
{
    /// <inheritdoc />
    public override ImOperation Operation => ImOperation.SetAttributes;

    /// <inheritdoc />
    public override JsonTypeInfo<SetAttributesRequest> RequestType => ImJsonContext.Default.SetAttributesRequest;

    /// <inheritdoc />
    public override JsonTypeInfo<ApiEnvelope> ResponseType => ImJsonContext.Default.ApiEnvelope;

    /// <inheritdoc />
    public override string UserIdOf(SetItem item) => item.UserId;

    /// <summary>The later value of an attribute wins.</summary>
    public override SetItem Merge(SetItem earlier, SetItem later)
    {
        var merged = new Dictionary<string, string>(earlier.Attributes, StringComparer.Ordinal);
        foreach (var pair in later.Attributes) merged[pair.Key] = pair.Value;
        return new SetItem(earlier.UserId, merged);
    }

    /// <inheritdoc />
    public override IEnumerable<string> AttributeNamesOf(SetItem item) => item.Attributes.Keys;

    /// <inheritdoc />
    public override SetAttributesRequest Request(IReadOnlyList<SetItem> items) =>
        new() { UserAttrs = items.Select(i => new UserAttributeValues { To_Account = i.UserId, Attrs = i.Attributes }).ToList() };

    /// <inheritdoc />
    public override ItemOutcome<UserAttributes>[] Outcomes(IReadOnlyList<SetItem> items, ApiEnvelope response, CallContext call) =>
        items.Select(i => Done(i, call)).ToArray();

    /// <summary>A user with nothing to set (a row of empty cells) succeeds without being sent; a batch of only those sends no call.</summary>
    public override ItemOutcome<UserAttributes>? WithoutCall(SetItem item, CallContext call) => item.Attributes.Count == 0 ? Done(item, call) : null;

    private static ItemOutcome<UserAttributes> Done(SetItem item, CallContext call) =>
        ItemOutcome<UserAttributes>.Success(new UserAttributes(item.UserId, AttributeNameCase.Table(item.Attributes, call.RegisteredNames)));
}
