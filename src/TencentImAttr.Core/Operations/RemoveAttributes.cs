using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization.Metadata;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Input;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>A user and the attribute names to remove, checked.</summary>
internal sealed class RemoveItem
{
    /// <summary>Property names that carry the attribute names to remove.</summary>
    public static readonly IReadOnlyList<string> NameProperties = new[] { "Name", "Names", "AttributeName" };

    internal RemoveItem(string userId, List<string> names)
    {
        UserId = userId;
        Names = names;
    }

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>The names, without duplicates.</summary>
    public List<string> Names { get; }

    /// <summary>Reads an item: the names of <paramref name="names"/> (-Name) when given, else the object's Name (Names, AttributeName) property.</summary>
    public static ItemOutcome<RemoveItem> Read(PipelineRecord record, IEnumerable<string?>? names, ImService service)
    {
        var bad = record.CheckUser(service);
        if (bad is not null) return ItemOutcome<RemoveItem>.Rejected(bad);
        var user = record.UserId!;
        bad = InputRules.CheckDistinct(names ?? record.FindTexts(NameProperties), InputRules.CheckName, user, out var list);
        if (bad is not null) return ItemOutcome<RemoveItem>.Rejected(bad);
        return list.Count == 0
            ? ItemOutcome<RemoveItem>.Rejected(new ImInputException(ErrorIds.NameListEmpty, $"User '{user}': no attribute names to remove.", user))
            : ItemOutcome<RemoveItem>.Success(new RemoveItem(user, list));
    }
}

/// <summary>im_remove_attr / remove_attr: removes the named attributes of each user (the wire carries an array of names).</summary>
internal sealed class RemoveAttributesOperation : BulkOperation<RemoveItem, RemovedUserAttributes, RemoveAttributesRequest, ApiEnvelope>
{
    /// <inheritdoc />
    public override ImOperation Operation => ImOperation.RemoveAttributes;

    /// <inheritdoc />
    public override JsonTypeInfo<RemoveAttributesRequest> RequestType => ImJsonContext.Default.RemoveAttributesRequest;

    /// <inheritdoc />
    public override JsonTypeInfo<ApiEnvelope> ResponseType => ImJsonContext.Default.ApiEnvelope;

    /// <inheritdoc />
    public override string UserIdOf(RemoveItem item) => item.UserId;

    /// <summary>The union of the names, in the order first given.</summary>
    public override RemoveItem Merge(RemoveItem earlier, RemoveItem later) =>
        new(earlier.UserId, earlier.Names.Concat(later.Names).Distinct(StringComparer.Ordinal).ToList());

    /// <inheritdoc />
    public override IEnumerable<string> AttributeNamesOf(RemoveItem item) => item.Names;

    /// <inheritdoc />
    public override RemoveAttributesRequest Request(IReadOnlyList<RemoveItem> items) =>
        new() { UserAttrs = items.Select(i => new UserAttributeNames { To_Account = i.UserId, Attrs = i.Names }).ToList() };

    /// <inheritdoc />
    public override ItemOutcome<RemovedUserAttributes>[] Outcomes(IReadOnlyList<RemoveItem> items, ApiEnvelope response, CallContext call) =>
        items.Select(i => ItemOutcome<RemovedUserAttributes>.Success(new RemovedUserAttributes(i.UserId, i.Names))).ToArray();
}
