using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Input;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>The app's registered attribute names (im_get_attr_name / im_set_attr_name): at most 10, in slots "0" to "9".</summary>
internal static class AppAttributeNames
{
    /// <summary>Reads the registered names, ordered by slot.</summary>
    public static async Task<IReadOnlyList<AppAttributeName>> GetAsync(ImConnection connection, ICallLog? log, CancellationToken cancellationToken)
    {
        var response = await new CallSender(connection, null, log).CallAsync(ImOperation.GetAttributeNames, new EmptyRequest(), ImJsonContext.Default.EmptyRequest,
            ImJsonContext.Default.GetAttributeNamesResponse, cancellationToken).ConfigureAwait(false);
        var names = new List<AppAttributeName>();
        foreach (var pair in response.AttrNames ?? new Dictionary<string, string>())
        {
            if (!int.TryParse(pair.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var slot) || string.IsNullOrEmpty(pair.Value)) continue;
            AttributeAccountType? type = null;
            if (response.AttrTypes is not null && response.AttrTypes.TryGetValue(pair.Key, out var t)) type = (AttributeAccountType)t;
            names.Add(new AppAttributeName(slot, pair.Value, type));
        }
        var sorted = names.OrderBy(n => n.Slot).ToList();
        connection.RegisteredNames = sorted.Select(n => n.Name).ToArray();
        return sorted;
    }

    /// <summary>
    /// Checks the names (and Push-family account types) before they are sent: 1 to 10 names, none empty, none over
    /// 50 bytes, no duplicates. Returns the request.
    /// </summary>
    /// <exception cref="ImInputException">A rule is broken; the message says which.</exception>
    public static SetAttributeNamesRequest BuildRequest(IReadOnlyList<string?> names, IReadOnlyList<AttributeAccountType>? accountTypes, ImService service)
    {
        if (names is null || names.Count == 0)
        {
            throw new ImInputException(ErrorIds.AttributeNameListEmpty, "Give at least one attribute name.", null);
        }
        if (names.Count > InputRules.MaxAppAttributes)
        {
            throw new ImInputException(ErrorIds.TooManyAttributeNames, $"{names.Count} attribute names were given; an app can register at most {InputRules.MaxAppAttributes}.", null, ImErrorCategory.LimitsExceeded);
        }
        var request = new SetAttributeNamesRequest();
        for (var i = 0; i < names.Count; i++)
        {
            var bad = InputRules.CheckName(names[i], null);
            if (bad is not null) throw new ImInputException(bad.ErrorId, $"Attribute name {i}: {bad.Message}", names[i]);
            if (request.AttrNames.ContainsValue(names[i]!))
            {
                throw new ImInputException(ErrorIds.DuplicateAttributeName, $"The attribute name '{Text.MessageText.Quote(names[i])}' is given twice.", names[i]);
            }
            request.AttrNames.Add(i.ToString(CultureInfo.InvariantCulture), names[i]!);
        }
        if (accountTypes is { Count: > 0 })
        {
            if (service != ImService.Push)
            {
                throw new ImInputException(ErrorIds.AccountTypeNeedsPushService, "Attribute account types (AttrTypes) exist only on the Push service: connect with -Service Push.", null, ImErrorCategory.InvalidOperation);
            }
            if (accountTypes.Count != names.Count)
            {
                throw new ImInputException(ErrorIds.AccountTypeCountMismatch, $"{accountTypes.Count} account types were given for {names.Count} names: give one per name.", null);
            }
            request.AttrTypes = new Dictionary<string, int>();
            for (var i = 0; i < accountTypes.Count; i++) request.AttrTypes.Add(i.ToString(CultureInfo.InvariantCulture), (int)accountTypes[i]);
        }
        return request;
    }

    /// <summary>
    /// Registers the names (slot i takes names[i]). Whether the service clears the slots not named is not documented,
    /// so <see cref="ImConnection.RegisteredNames"/> holds what was sent until the names are read again. The names the
    /// connection knew are forgotten first: after a failure nobody knows which list the app holds, so the next reader asks.
    /// </summary>
    public static async Task SetAsync(ImConnection connection, SetAttributeNamesRequest request, ICallLog? log, CancellationToken cancellationToken)
    {
        connection.RegisteredNames = null;
        await new CallSender(connection, null, log).CallAsync(ImOperation.SetAttributeNames, request, ImJsonContext.Default.SetAttributeNamesRequest,
            ImJsonContext.Default.ApiEnvelope, cancellationToken).ConfigureAwait(false);
        connection.RegisteredNames = request.AttrNames.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value).ToArray();
    }
}
