using System.Text.Json;

namespace TencentImAttr.Emulator;

/// <summary>One user's tags in an add or remove request.</summary>
internal sealed record UserTagEntry(string User, IReadOnlyList<string> Tags);

/// <summary>
/// The tag calls of both families, with Tencent's limits: 100 accounts per call (checked where the accounts are
/// read), at most 10 tags per user in one add (100 with the Push family's <c>Replace: 1</c>), at most 100 tags held
/// per user, tags of at most 50 bytes, and at most 1,000 distinct tags per app (stated for the Push family; the strict
/// reading for the other, see docs/emulator.md); the figures are <see cref="FamilyLimits"/>'. The pages name no
/// code for a broken limit; the emulator answers 90001 (the request is refused whole), so that a client that
/// oversteps shows at once. Per user, the Push family reports accounts that do not exist (70107) and a tag given to
/// the other account type than its holders' (90035) in an ErrorList.
/// </summary>
internal sealed partial class EmulatedImService
{
    private byte[] AddTags(ApiRoute route, JsonElement root)
    {
        var isPush = route.Family == ApiFamily.Push;
        var replace = isPush && ReadReplace(root);
        var limits = route.Limits;
        var perCall = replace ? limits.TagsPerReplace ?? limits.TagsPerAdd : limits.TagsPerAdd;
        var entries = ReadTagLists(root, limits);
        foreach (var entry in entries)
        {
            if (entry.Tags.Count > perCall)
            {
                throw new ApiError(EmulatorCodes.BadJson, $"user '{entry.User}': {entry.Tags.Count} tags in one add; the limit is {perCall}{(replace ? " with Replace 1" : "")}");
            }
        }
        var outcomes = entries.Select(e => (Entry: e, Failure: AccountFailure(route, e.User) ?? TagTypeFailure(route, e))).ToList();
        var held = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var newTags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (entry, _) in outcomes.Where(o => o.Failure is null))
        {
            if (!held.TryGetValue(entry.User, out var tags)) held[entry.User] = tags = replace ? new(StringComparer.Ordinal) : new(_store.Tags.Get(entry.User), StringComparer.Ordinal);
            tags.UnionWith(entry.Tags);
            if (tags.Count > limits.TagsPerUser)
            {
                throw new ApiError(EmulatorCodes.BadJson, $"user '{entry.User}' would hold {tags.Count} tags; a user holds at most {limits.TagsPerUser} (remove some first)");
            }
            newTags.UnionWith(entry.Tags.Where(t => !_store.Tags.IsKnown(t)));
        }
        if (_store.Tags.DistinctTags + newTags.Count > limits.TagsPerApp)
        {
            throw new ApiError(EmulatorCodes.BadJson, $"the app would hold {_store.Tags.DistinctTags + newTags.Count} distinct tags; an app holds at most {limits.TagsPerApp}");
        }
        // Every check before the first change: a call that fails, fails whole.
        foreach (var (entry, failure) in outcomes)
        {
            if (failure is null) _store.Tags.Add(entry.User, entry.Tags, replace);
        }
        return ResponseBodies.Ok(errorList: Failures(outcomes.Select(o => o.Failure)));
    }

    private byte[] GetTags(ApiRoute route, JsonElement root)
    {
        var failures = new List<UserFailure>();
        var found = new List<(string, IReadOnlyList<string>)>();
        foreach (var user in RequestBodies.ReadGet(root, route.Limits).Distinct(StringComparer.Ordinal))
        {
            var failure = AccountFailure(route, user);
            if (failure is not null) failures.Add(failure);
            else found.Add((user, _store.Tags.Get(user)));
        }
        return ResponseBodies.Ok(ResponseBodies.UserTags(NotInRequestOrder(found)), failures);
    }

    private byte[] RemoveTags(ApiRoute route, JsonElement root)
    {
        var outcomes = ReadTagLists(root, route.Limits).Select(e => (Entry: e, Failure: AccountFailure(route, e.User))).ToList();
        foreach (var (entry, failure) in outcomes)
        {
            if (failure is null) _store.Tags.Remove(entry.User, entry.Tags);
        }
        return ResponseBodies.Ok(errorList: Failures(outcomes.Select(o => o.Failure)));
    }

    private byte[] ClearTags(ApiRoute route, JsonElement root)
    {
        var outcomes = RequestBodies.ReadGet(root, route.Limits).Select(u => (User: u, Failure: AccountFailure(route, u))).ToList();
        foreach (var (user, failure) in outcomes)
        {
            if (failure is null) _store.Tags.Clear(user);
        }
        return ResponseBodies.Ok(errorList: Failures(outcomes.Select(o => o.Failure)));
    }

    /// <summary>On the Push family, a tag held by UserIDs refuses a RegistrationID, and the other way round.</summary>
    private UserFailure? TagTypeFailure(ApiRoute route, UserTagEntry entry)
    {
        if (route.Family != ApiFamily.Push) return null;
        var type = FamilyLimits.IsRegistrationId(entry.User) ? 1 : 0;
        foreach (var tag in entry.Tags)
        {
            if (_store.Tags.TypeOf(tag) is { } required && required != type)
            {
                return new UserFailure(entry.User, EmulatorCodes.WrongAccountType, $"the tag '{tag}' is held by {(required == 1 ? "RegistrationIDs" : "UserIDs")} only");
            }
        }
        return null;
    }

    /// <summary><c>"Replace": 0|1</c> beside UserTags (Push family); absent is 0.</summary>
    private static bool ReadReplace(JsonElement root)
    {
        if (!root.TryGetProperty("Replace", out var replace)) return false;
        if (replace.ValueKind != JsonValueKind.Number || !replace.TryGetInt32(out var value) || value is not (0 or 1))
        {
            throw RequestBodies.BadJson("Replace must be 0 (add) or 1 (replace all of each user's tags)");
        }
        return value == 1;
    }

    /// <summary><c>{"UserTags":[{"To_Account":"u1","Tags":["a","b"]}]}</c>: each tag a non-empty string of at most 50 bytes.</summary>
    private static List<UserTagEntry> ReadTagLists(JsonElement root, FamilyLimits limits)
    {
        var entries = RequestBodies.Accounts(root, "UserTags", limits);
        var result = new List<UserTagEntry>(entries.GetArrayLength());
        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var where = $"UserTags[{index++}]";
            var user = RequestBodies.Account(entry, where);
            if (!entry.TryGetProperty("Tags", out var tags) || tags.ValueKind != JsonValueKind.Array)
            {
                throw RequestBodies.BadJson($"{where}.Tags must be an array of tags");
            }
            var list = new List<string>();
            foreach (var tag in tags.EnumerateArray())
            {
                if (tag.ValueKind != JsonValueKind.String || tag.GetString()!.Trim().Length == 0) throw RequestBodies.BadJson($"{where}.Tags must hold non-empty strings");
                var text = tag.GetString()!;
                var bytes = FamilyLimits.Bytes(text);
                if (bytes > limits.TagBytes) throw RequestBodies.BadJson($"{where}: the tag '{text}' is {bytes} bytes; the limit is {limits.TagBytes}");
                list.Add(text);
            }
            result.Add(new UserTagEntry(user, list));
        }
        return result;
    }
}
