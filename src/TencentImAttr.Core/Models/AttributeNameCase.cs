using System;
using System.Collections.Generic;
using System.Linq;

namespace TencentImAttr.Models;

/// <summary>
/// How a user's Attributes table looks names up: like a PowerShell hashtable, ignoring case
/// (<c>$_.Attributes.City</c> finds <c>city</c>), unless names that differ only in case exist, among the app's
/// registered names (as the connection last read them) or the user's own; then exact case is needed. The names keep
/// their exact case either way, so what is sent back is what was read.
/// </summary>
internal static class AttributeNameCase
{
    /// <summary>Case-insensitive unless some of these names differ only in case.</summary>
    public static StringComparer ComparerFor(IEnumerable<string> userNames, IReadOnlyList<string>? appNames) =>
        FirstClash((appNames ?? Array.Empty<string>()).Concat(userNames)) is null ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>A user's attributes as read from the API, in a table that looks names up as <see cref="ComparerFor"/> says.</summary>
    public static Dictionary<string, string> Table(IDictionary<string, string>? attributes, IReadOnlyList<string>? appNames)
    {
        var source = attributes ?? new Dictionary<string, string>();
        // Every user's result goes through here: a user's few names and the app's (at most 10) are compared pair by
        // pair, which allocates nothing, instead of through ComparerFor's concatenation and table (issue 18).
        var comparer = source is Dictionary<string, string> table && table.Count + (appNames?.Count ?? 0) <= PairwiseLimit
            ? (HasClash(table, appNames) ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase)
            : ComparerFor(source.Keys, appNames);
        return new Dictionary<string, string>(source, comparer);
    }

    // Up to this many names in all, comparing each pair costs less than building a table of them.
    private const int PairwiseLimit = 24;

    /// <summary>What <c>FirstClash(appNames.Concat(user.Keys)) is not null</c> says, pair by pair.</summary>
    private static bool HasClash(Dictionary<string, string> user, IReadOnlyList<string>? appNames)
    {
        var app = appNames ?? Array.Empty<string>();
        for (var i = 0; i < app.Count; i++)
        {
            for (var j = i + 1; j < app.Count; j++)
            {
                if (DifferOnlyInCase(app[i], app[j])) return true;
            }
            foreach (var pair in user)
            {
                if (DifferOnlyInCase(app[i], pair.Key)) return true;
            }
        }
        if (user.Count < 2) return false;
        foreach (var first in user)
        {
            foreach (var second in user)
            {
                if (DifferOnlyInCase(first.Key, second.Key)) return true;
            }
        }
        return false;
    }

    private static bool DifferOnlyInCase(string a, string b) =>
        string.Equals(a, b, StringComparison.OrdinalIgnoreCase) && !string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>The first two distinct names that are equal when case is ignored, or null.</summary>
    public static (string First, string Second)? FirstClash(IEnumerable<string> names)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            if (seen.TryGetValue(name, out var earlier))
            {
                if (!string.Equals(earlier, name, StringComparison.Ordinal)) return (earlier, name);
                continue;
            }
            seen.Add(name, name);
        }
        return null;
    }
}
