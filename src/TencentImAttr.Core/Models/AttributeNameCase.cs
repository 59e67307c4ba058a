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
        return new Dictionary<string, string>(source, ComparerFor(source.Keys, appNames));
    }

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
