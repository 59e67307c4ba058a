using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TencentImAttr.Emulator;

/// <summary>
/// The emulated app's data: the registered attribute names (ten slots, "0" to "9"), their Push-family account types,
/// and every user's attribute values. Not thread-safe: the service serialises access.
/// </summary>
internal sealed class AttributeStore
{
    /// <summary>The slots an app has: one per name it may register (the same in both families).</summary>
    public static readonly int Slots = FamilyLimits.AllMemberPush.AttributeNamesPerApp;

    private readonly string?[] _names = new string?[Slots];
    private readonly int?[] _types = new int?[Slots];
    private readonly Dictionary<string, Dictionary<string, string>> _users = new(StringComparer.Ordinal);

    private readonly bool _keepsValues = true;

    /// <summary>
    /// False makes a store that checks and answers every call but keeps no user's values nor tags (every user reads
    /// as having none): for load runs of millions of users in the process that measures its own memory (the benchmark).
    /// </summary>
    public bool KeepsValues
    {
        get => _keepsValues;
        init
        {
            _keepsValues = value;
            Tags = new TagStore { KeepsValues = value };
        }
    }

    /// <summary>The users' tags (saved and loaded with the rest).</summary>
    public TagStore Tags { get; private init; } = new();

    /// <summary>The registered names by slot.</summary>
    public IEnumerable<(int Slot, string Name, int? Type)> Names =>
        Enumerable.Range(0, Slots).Where(i => _names[i] is not null).Select(i => (i, _names[i]!, _types[i]));

    /// <summary>How many users have at least one value.</summary>
    public int UserCount => _users.Count;

    /// <summary>Whether <paramref name="name"/> is registered.</summary>
    public bool IsRegistered(string name) => Array.IndexOf(_names, name) >= 0;

    /// <summary>The Push-family account type of a registered name (0 UserID, 1 RegistrationID), or null when none was set.</summary>
    public int? TypeOf(string name)
    {
        var slot = Array.IndexOf(_names, name);
        return slot >= 0 ? _types[slot] : null;
    }

    /// <summary>
    /// Registers the names, replacing the whole list (whether the real service keeps slots absent from the request is
    /// not documented; Set-ImAppAttributeName -PassThru reads the list back rather than assume either). A type given for a slot is kept while the slot
    /// keeps its name.
    /// </summary>
    public void SetNames(IReadOnlyDictionary<int, string> names, IReadOnlyDictionary<int, int>? types)
    {
        for (var i = 0; i < Slots; i++)
        {
            var name = names.TryGetValue(i, out var n) ? n : null;
            var keepType = name is not null && name == _names[i];
            _names[i] = name;
            if (types is not null && types.TryGetValue(i, out var t)) _types[i] = t;
            else if (!keepType) _types[i] = null;
        }
    }

    /// <summary>A user's values for the names registered now (values of names since unregistered stay hidden).</summary>
    public Dictionary<string, string> Get(string user)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_users.TryGetValue(user, out var values))
        {
            foreach (var pair in values)
            {
                if (IsRegistered(pair.Key)) result.Add(pair.Key, pair.Value);
            }
        }
        return result;
    }

    /// <summary>Sets values; names not given stay as they are.</summary>
    public void Set(string user, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0 || !KeepsValues) return;
        if (!_users.TryGetValue(user, out var current))
        {
            current = new Dictionary<string, string>(StringComparer.Ordinal);
            _users.Add(user, current);
        }
        foreach (var pair in values) current[pair.Key] = pair.Value;
    }

    /// <summary>Removes the named values; a name the user has no value for is not an error.</summary>
    public void Remove(string user, IEnumerable<string> names)
    {
        if (!_users.TryGetValue(user, out var current)) return;
        foreach (var name in names) current.Remove(name);
        if (current.Count == 0) _users.Remove(user);
    }

    /// <summary>Writes the store as JSON (through a temporary file, so that a crash mid-write leaves the old state).</summary>
    public void Save(string path)
    {
        var state = new StoredState
        {
            AttrNames = Names.ToDictionary(n => n.Slot.ToString(CultureInfo.InvariantCulture), n => n.Name),
            AttrTypes = Names.Where(n => n.Type is not null).ToDictionary(n => n.Slot.ToString(CultureInfo.InvariantCulture), n => n.Type!.Value),
            Users = _users.OrderBy(u => u.Key, StringComparer.Ordinal).ToDictionary(u => u.Key, u => new Dictionary<string, string>(u.Value, StringComparer.Ordinal)),
            UserTags = Tags.Users.OrderBy(u => u.Key, StringComparer.Ordinal).ToDictionary(u => u.Key, u => u.Value.ToList()),
        };
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var temp = full + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(state, StateJsonContext.Default.StoredState));
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Reads a store saved by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a saved state; the message says why.</exception>
    public static AttributeStore Load(string path)
    {
        StoredState? state;
        try
        {
            state = JsonSerializer.Deserialize(File.ReadAllBytes(path), StateJsonContext.Default.StoredState);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The state file '{path}' is not valid JSON: {e.Message}", e);
        }
        var store = new AttributeStore();
        if (state is null) return store;
        var names = new Dictionary<int, string>();
        foreach (var pair in state.AttrNames ?? new())
        {
            if (!int.TryParse(pair.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var slot) || slot >= Slots || string.IsNullOrEmpty(pair.Value))
            {
                throw new InvalidDataException($"The state file '{path}' has an attribute slot '{pair.Key}': slots are 0 to {Slots - 1}, with a name.");
            }
            names[slot] = pair.Value;
        }
        var types = new Dictionary<int, int>();
        foreach (var pair in state.AttrTypes ?? new())
        {
            if (int.TryParse(pair.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var slot) && slot < Slots) types[slot] = pair.Value;
        }
        store.SetNames(names, types);
        foreach (var user in state.Users ?? new())
        {
            store.Set(user.Key, user.Value ?? new());
        }
        foreach (var user in state.UserTags ?? new())
        {
            store.Tags.Add(user.Key, user.Value ?? new(), replace: true);
        }
        return store;
    }
}

/// <summary>The state file's shape: the wire's own names, so the file reads like the API's answers.</summary>
internal sealed class StoredState
{
    /// <summary>Slot to name.</summary>
    public Dictionary<string, string>? AttrNames { get; set; }

    /// <summary>Slot to account type.</summary>
    public Dictionary<string, int>? AttrTypes { get; set; }

    /// <summary>User to values.</summary>
    public Dictionary<string, Dictionary<string, string>>? Users { get; set; }

    /// <summary>User to tags.</summary>
    public Dictionary<string, List<string>>? UserTags { get; set; }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(StoredState))]
internal sealed partial class StateJsonContext : JsonSerializerContext
{
}
