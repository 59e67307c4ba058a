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

/// <summary>
/// A user and the attributes to set, checked; under -Replace also the names to remove (what this call changes for the
/// user is exactly <see cref="Attributes"/> set and <see cref="Removes"/> removed, or, with
/// <see cref="RemoveUnlisted"/>, every registered name not in <see cref="Attributes"/> removed).
/// </summary>
internal sealed class SetItem
{
    /// <summary>Property names that carry a whole attribute table (as Get-ImUserAttribute emits it).</summary>
    public static readonly IReadOnlyList<string> TableProperties = new[] { "Attributes", "Attribute", "Attrs" };

    private static readonly HashSet<string> NoNames = new(StringComparer.Ordinal);

    internal SetItem(string userId, Dictionary<string, string> attributes, HashSet<string>? removes = null, bool removeUnlisted = false, List<string>? skipped = null)
    {
        UserId = userId;
        Attributes = attributes;
        Removes = removes ?? NoNames;
        RemoveUnlisted = removeUnlisted;
        Skipped = skipped;
    }

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>Name to value, in the order given: the names this item sets.</summary>
    public Dictionary<string, string> Attributes { get; }

    /// <summary>-Replace: the names the input carries empty (an empty cell or value, a DBNull): the user ends without them.</summary>
    public IReadOnlyCollection<string> Removes { get; }

    /// <summary>-Replace -RemoveUnlisted: the item is the user's whole set; every registered name it does not set is removed.</summary>
    public bool RemoveUnlisted { get; }

    /// <summary>Names the input gives that this item neither sets nor removes (an empty cell without -Replace, a $null value); null when none.</summary>
    public IReadOnlyList<string>? Skipped { get; }

    /// <summary>
    /// Reads an item: a plain id takes the attributes of <paramref name="extra"/> (-Attribute); an object gives its
    /// own, from an Attributes table and from every other property (CSV columns; an empty cell is skipped), and
    /// <paramref name="extra"/> is applied last and wins. Every value is checked and converted.
    /// With <paramref name="replace"/> (-Replace) the item is what the user ends with for the names it carries: a
    /// value sets, an empty string or a DBNull (in a cell or a table) removes, and a name not carried at all (no such
    /// column or key, or a $null value) is left alone. With <paramref name="removeUnlisted"/> too, the item is the
    /// user's whole set (an empty set removes everything); without it, an -Attribute table that carries nothing for a
    /// plain id is <see cref="ErrorIds.AttributeSetEmpty"/>.
    /// </summary>
    public static ItemOutcome<SetItem> Read(PipelineRecord record, IDictionary? extra, ImService service, bool replace = false, bool removeUnlisted = false)
    {
        var bad = record.CheckUser(service);
        if (bad is not null) return ItemOutcome<SetItem>.Rejected(bad);
        var user = record.UserId!;
        if (record.IdProperty is null && extra is null && record.FromPipeline)
        {
            return ItemOutcome<SetItem>.Rejected(new ImInputException(ErrorIds.AttributeSetEmpty, $"User '{MessageText.Quote(user)}': a user id came through the pipeline without -Attribute, so there is nothing to set.", user));
        }
        var item = new Reading(replace);
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
                bad = p.Value is IDictionary nested ? item.AddTable(nested, user, p.Key) : ExportedTableText.Check(p.Key, p.Value, user);
            }
            else
            {
                bad = item.Add(p.Key, p.Value, user);
            }
            if (bad is not null) return ItemOutcome<SetItem>.Rejected(bad);
        }
        bad = item.AddTable(extra, user);
        if (bad is not null) return ItemOutcome<SetItem>.Rejected(bad);
        var values = item.Values;
        var carried = values.Count + (item.Removes?.Count ?? 0);
        if (replace && removeUnlisted)
        {
            // The whole set: "exactly nothing" is a state too, when something was given (columns, or a table, even empty).
            if (values.Count == 0 && !hasAttributeColumns && extra is null)
            {
                return ItemOutcome<SetItem>.Rejected(new ImInputException(ErrorIds.AttributeSetEmpty, $"User '{MessageText.Quote(user)}': no attributes to set.", user));
            }
            return ItemOutcome<SetItem>.Success(new SetItem(user, values, null, removeUnlisted: true, item.Skipped));
        }
        if (replace && carried == 0 && !hasAttributeColumns)
        {
            return ItemOutcome<SetItem>.Rejected(new ImInputException(ErrorIds.AttributeSetEmpty,
                $"User '{MessageText.Quote(user)}': -Replace changes only the names it is given, and this table gives none, so nothing would change. To remove every attribute of the user, add -RemoveUnlisted; to remove some, give them empty (@{{ city = '' }}).", user));
        }
        // A row whose attribute cells are all empty (or an empty Attributes table) is what a user without attributes
        // exports as: it sets nothing, and that is not an error, so that a restore runs clean. No column at all is.
        if (carried == 0 && hasAttributeColumns) return ItemOutcome<SetItem>.Success(new SetItem(user, values, item.Removes, false, item.Skipped));
        return carried == 0
            ? ItemOutcome<SetItem>.Rejected(new ImInputException(ErrorIds.AttributeSetEmpty, $"User '{user}': no attributes to set.", user))
            : ItemOutcome<SetItem>.Success(new SetItem(user, values, item.Removes, false, item.Skipped));
    }

    private static bool IsTableProperty(string name)
    {
        for (var k = 0; k < TableProperties.Count; k++)
        {
            if (string.Equals(name, TableProperties[k], StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
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

    /// <summary>
    /// One item as it is read: the values, and under -Replace the names to remove; a later name wins over an earlier
    /// one. A struct held in a local, so that reading a user allocates nothing more than before (issue 18).
    /// </summary>
    private struct Reading
    {
        private readonly bool _replace;

        public Reading(bool replace)
        {
            _replace = replace;
            Values = new Dictionary<string, string>(StringComparer.Ordinal);
            Removes = null;
            Skipped = null;
        }

        public Dictionary<string, string> Values { get; }

        public HashSet<string>? Removes { get; private set; }

        public List<string>? Skipped { get; private set; }

        /// <summary>A table's names and values, read into this item.</summary>
        /// <param name="table">The table read.</param>
        /// <param name="user">The user, for messages.</param>
        /// <param name="column">The input's table property (Attributes...), where the table came with the input; null for -Attribute.</param>
        public ImInputException? AddTable(IDictionary? table, string user, string? column = null)
        {
            if (table is null) return null;
            // The enumerator's Entry, not foreach's Current: Current is an object, a boxed copy of the entry per attribute.
            var entries = table.GetEnumerator();
            while (entries.MoveNext())
            {
                var entry = entries.Entry;
                var name = entry.Key as string ?? Convert.ToString(entry.Key, CultureInfo.InvariantCulture);
                if (column is not null && entry.Value is DateTime or DateTimeOffset) return DateInTable(column, name, entry.Value, user);
                // Without -Replace a table's value is always sent, so an empty or null one is the value's error, as before.
                var bad = _replace ? Add(name, entry.Value, user) : SetValue(name, entry.Value, user);
                if (bad is not null) return bad;
            }
            return null;
        }

        /// <summary>
        /// One name and its value: a value sets; under -Replace an empty string or a DBNull removes and a null is not
        /// carried; without -Replace an empty cell (or a null) sets nothing.
        /// </summary>
        public ImInputException? Add(string? name, object? value, string user)
        {
            if (value is null || (value is string { Length: 0 } or DBNull && !_replace))
            {
                return Checked(name, user);
            }
            if (_replace && value is string { Length: 0 } or DBNull)
            {
                var nameBad = InputRules.CheckName(name, user);
                if (nameBad is not null) return nameBad;
                Values.Remove(name!);
                (Removes ??= new HashSet<string>(StringComparer.Ordinal)).Add(name!);
                return null;
            }
            return SetValue(name, value, user);
        }

        private ImInputException? SetValue(string? name, object? value, string user)
        {
            var bad = InputRules.CheckName(name, user);
            if (bad is not null) return bad;
            bad = InputRules.ConvertValue(value, name!, user, out var text);
            if (bad is not null) return bad;
            Values[name!] = text;
            Removes?.Remove(name!);
            return null;
        }

        /// <summary>A name given without a value to send: still a name the input gives, so it must be registered.</summary>
        private ImInputException? Checked(string? name, string user)
        {
            var bad = InputRules.CheckName(name, user);
            if (bad is null) (Skipped ??= new List<string>()).Add(name!);
            return bad;
        }
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
        var removes = earlier.Removes.Count + later.Removes.Count == 0 ? null : new HashSet<string>(earlier.Removes, StringComparer.Ordinal);
        foreach (var pair in later.Attributes)
        {
            merged[pair.Key] = pair.Value;
            removes?.Remove(pair.Key);
        }
        foreach (var name in later.Removes)
        {
            merged.Remove(name);
            removes!.Add(name);
        }
        var skipped = earlier.Skipped is null ? later.Skipped : later.Skipped is null ? earlier.Skipped : earlier.Skipped.Concat(later.Skipped).ToList();
        return new SetItem(earlier.UserId, merged, removes, earlier.RemoveUnlisted || later.RemoveUnlisted, skipped as List<string> ?? skipped?.ToList());
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
