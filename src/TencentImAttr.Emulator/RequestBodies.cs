using System.Globalization;
using System.Text.Json;

namespace TencentImAttr.Emulator;

/// <summary>One user's values in a set request.</summary>
internal sealed record UserValues(string User, IReadOnlyDictionary<string, string> Values);

/// <summary>One user's names in a remove request.</summary>
internal sealed record UserNames(string User, IReadOnlyList<string> Names);

/// <summary>A set_attr_name request: slot to name, and (Push family) slot to account type.</summary>
internal sealed record NameRegistration(IReadOnlyDictionary<int, string> Names, IReadOnlyDictionary<int, int>? Types);

/// <summary>
/// Reads the request bodies in the documented shapes. Anything else is refused with 90001 and a text that names the
/// field, so that a client bug (say, a map where im_remove_attr wants an array) shows at once. Field names are
/// case-sensitive; unknown fields are ignored, as servers do.
/// </summary>
internal static class RequestBodies
{
    /// <summary>Parses the body; an empty body or bad JSON is 90001 (the API wants a body, <c>{}</c> at least).</summary>
    public static JsonDocument Parse(byte[] body)
    {
        if (body.Length == 0) throw BadJson("the request body is empty (send {} when there are no fields)");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw BadJson($"the request body is not valid JSON: {e.Message}");
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            doc.Dispose();
            throw BadJson("the request body must be a JSON object");
        }
        return doc;
    }

    /// <summary><c>{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"F"}}]}</c></summary>
    public static List<UserValues> ReadSet(JsonElement root, FamilyLimits limits)
    {
        var entries = Accounts(root, "UserAttrs", limits);
        var result = new List<UserValues>(entries.GetArrayLength());
        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var where = $"UserAttrs[{index++}]";
            var user = Account(entry, where);
            if (!entry.TryGetProperty("Attrs", out var attrs) || attrs.ValueKind != JsonValueKind.Object)
            {
                throw BadJson($"{where}.Attrs must be an object of attribute name to value");
            }
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var attr in attrs.EnumerateObject())
            {
                if (attr.Value.ValueKind != JsonValueKind.String)
                {
                    throw BadJson($"{where}.Attrs.{attr.Name} must be a string, not {attr.Value.ValueKind}");
                }
                values[attr.Name] = attr.Value.GetString()!;
            }
            result.Add(new UserValues(user, values));
        }
        return result;
    }

    /// <summary><c>{"To_Account":["u1","u2"]}</c></summary>
    public static List<string> ReadGet(JsonElement root, FamilyLimits limits)
    {
        var accounts = Accounts(root, "To_Account", limits);
        var result = new List<string>(accounts.GetArrayLength());
        var index = 0;
        foreach (var account in accounts.EnumerateArray())
        {
            var where = $"To_Account[{index++}]";
            if (account.ValueKind != JsonValueKind.String || account.GetString()!.Length == 0)
            {
                throw BadJson($"{where} must be a non-empty string");
            }
            result.Add(account.GetString()!);
        }
        return result;
    }

    /// <summary><c>{"UserAttrs":[{"To_Account":"u1","Attrs":["sex","city"]}]}</c>: Attrs is an array of names, not a map.</summary>
    public static List<UserNames> ReadRemove(JsonElement root, FamilyLimits limits)
    {
        var entries = Accounts(root, "UserAttrs", limits);
        var result = new List<UserNames>(entries.GetArrayLength());
        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var where = $"UserAttrs[{index++}]";
            var user = Account(entry, where);
            if (!entry.TryGetProperty("Attrs", out var attrs))
            {
                throw BadJson($"{where}.Attrs is missing: give an array of attribute names");
            }
            if (attrs.ValueKind == JsonValueKind.Object)
            {
                throw BadJson($"{where}.Attrs is an object, but im_remove_attr takes an array of attribute names, e.g. [\"sex\",\"city\"]");
            }
            if (attrs.ValueKind != JsonValueKind.Array)
            {
                throw BadJson($"{where}.Attrs must be an array of attribute names");
            }
            var names = new List<string>();
            foreach (var name in attrs.EnumerateArray())
            {
                if (name.ValueKind != JsonValueKind.String) throw BadJson($"{where}.Attrs must hold strings, not {name.ValueKind}");
                names.Add(name.GetString()!);
            }
            result.Add(new UserNames(user, names));
        }
        return result;
    }

    /// <summary><c>{"AttrNames":{"0":"sex","1":"city"},"AttrTypes":{"0":0}}</c> (AttrTypes only where <paramref name="withTypes"/>).</summary>
    public static NameRegistration ReadSetNames(JsonElement root, bool withTypes, FamilyLimits limits)
    {
        if (!root.TryGetProperty("AttrNames", out var names) || names.ValueKind != JsonValueKind.Object)
        {
            throw BadJson("AttrNames must be an object of slot (\"0\" to \"9\") to attribute name");
        }
        var bySlot = new Dictionary<int, string>();
        foreach (var pair in names.EnumerateObject())
        {
            var slot = Slot(pair.Name, limits);
            if (pair.Value.ValueKind != JsonValueKind.String) throw BadJson($"AttrNames.{pair.Name} must be a string");
            var name = pair.Value.GetString()!;
            if (name.Trim().Length == 0) throw Invalid($"attribute name in slot {slot} is empty");
            var bytes = FamilyLimits.Bytes(name);
            if (bytes > limits.NameBytes) throw Invalid($"attribute name '{name}' is {bytes} bytes; the limit is {limits.NameBytes}");
            if (bySlot.Any(p => p.Key != slot && p.Value == name)) throw Invalid($"attribute name '{name}' is given for two slots");
            bySlot[slot] = name;
        }

        Dictionary<int, int>? types = null;
        if (withTypes && root.TryGetProperty("AttrTypes", out var typeMap) && typeMap.ValueKind != JsonValueKind.Null)
        {
            if (typeMap.ValueKind != JsonValueKind.Object) throw BadJson("AttrTypes must be an object of slot to account type (0 UserID, 1 RegistrationID)");
            types = new Dictionary<int, int>();
            foreach (var pair in typeMap.EnumerateObject())
            {
                var slot = Slot(pair.Name, limits);
                if (pair.Value.ValueKind != JsonValueKind.Number || !pair.Value.TryGetInt32(out var type) || type is not (0 or 1))
                {
                    throw BadJson($"AttrTypes.{pair.Name} must be 0 (UserID) or 1 (RegistrationID)");
                }
                if (!bySlot.ContainsKey(slot)) throw Invalid($"AttrTypes names slot {slot}, which AttrNames does not");
                types[slot] = type;
            }
        }
        return new NameRegistration(bySlot, types);
    }

    internal static JsonElement Accounts(JsonElement root, string field, FamilyLimits limits)
    {
        if (!root.TryGetProperty(field, out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw BadJson($"{field} must be an array");
        }
        var count = list.GetArrayLength();
        if (count > limits.UsersPerCall)
        {
            throw new ApiError(EmulatorCodes.TooManyAccounts, $"{count} accounts in one request; the limit is {limits.UsersPerCall}");
        }
        return list;
    }

    internal static string Account(JsonElement entry, string where)
    {
        if (entry.ValueKind != JsonValueKind.Object) throw BadJson($"{where} must be an object");
        if (!entry.TryGetProperty("To_Account", out var account) || account.ValueKind != JsonValueKind.String || account.GetString()!.Length == 0)
        {
            throw BadJson($"{where}.To_Account must be a non-empty string");
        }
        return account.GetString()!;
    }

    private static int Slot(string key, FamilyLimits limits)
    {
        // The keys are the strings "0", "1"... up to one less than the names an app may have ("0".."9" for 10).
        if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var slot) && slot < limits.AttributeNamesPerApp
            && string.Equals(slot.ToString(CultureInfo.InvariantCulture), key, StringComparison.Ordinal))
        {
            return slot;
        }
        throw Invalid($"'{key}' is not an attribute slot: slots are \"0\" to \"{limits.AttributeNamesPerApp - 1}\", at most {limits.AttributeNamesPerApp} attributes per app");
    }

    internal static ApiError BadJson(string info) => new(EmulatorCodes.BadJson, info);

    private static ApiError Invalid(string info) => new(EmulatorCodes.InvalidAttribute, info);
}
