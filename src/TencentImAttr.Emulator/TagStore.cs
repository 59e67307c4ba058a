namespace TencentImAttr.Emulator;

/// <summary>
/// The emulated app's user tags: each user's tags in the order added, and, for the Push family's rules, how many
/// users hold each tag (the app's distinct tags) and the account type (0 UserID, 1 RegistrationID) a tag was first
/// given to, kept while any user holds it. Not thread-safe: the service serialises access.
/// </summary>
internal sealed class TagStore
{
    private readonly Dictionary<string, List<string>> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Holders, int Type)> _tags = new(StringComparer.Ordinal);

    /// <summary>False keeps nothing (every user reads as having no tags): the benchmark's load runs.</summary>
    public bool KeepsValues { get; init; } = true;

    /// <summary>Every user with tags, for saving.</summary>
    public IEnumerable<KeyValuePair<string, List<string>>> Users => _users;

    /// <summary>The tags some user holds now.</summary>
    public int DistinctTags => _tags.Count;

    /// <summary>A user's tags (a copy), empty when none.</summary>
    public List<string> Get(string user) => _users.TryGetValue(user, out var tags) ? tags.ToList() : new List<string>();

    /// <summary>Whether <paramref name="tag"/> is held by some user.</summary>
    public bool IsKnown(string tag) => _tags.ContainsKey(tag);

    /// <summary>The account type the tag is held for, or null when no user holds it.</summary>
    public int? TypeOf(string tag) => _tags.TryGetValue(tag, out var t) ? t.Type : null;

    /// <summary>Adds tags (with <paramref name="replace"/>, the user's tags become exactly these); a tag already held is not an error.</summary>
    public void Add(string user, IReadOnlyList<string> tags, bool replace)
    {
        if (!KeepsValues) return;
        if (replace) Clear(user);
        if (!_users.TryGetValue(user, out var current)) _users[user] = current = new List<string>();
        var type = FamilyLimits.IsRegistrationId(user) ? 1 : 0;
        foreach (var tag in tags)
        {
            if (current.Contains(tag, StringComparer.Ordinal)) continue;
            current.Add(tag);
            _tags[tag] = _tags.TryGetValue(tag, out var t) ? (t.Holders + 1, t.Type) : (1, type);
        }
        if (current.Count == 0) _users.Remove(user);
    }

    /// <summary>Removes the named tags; a tag the user does not hold is not an error.</summary>
    public void Remove(string user, IEnumerable<string> tags)
    {
        if (!_users.TryGetValue(user, out var current)) return;
        foreach (var tag in tags)
        {
            if (current.Remove(tag)) Release(tag);
        }
        if (current.Count == 0) _users.Remove(user);
    }

    /// <summary>Removes every tag of the user.</summary>
    public void Clear(string user) => Remove(user, Get(user));

    private void Release(string tag)
    {
        var t = _tags[tag];
        if (t.Holders <= 1) _tags.Remove(tag);
        else _tags[tag] = (t.Holders - 1, t.Type);
    }
}
