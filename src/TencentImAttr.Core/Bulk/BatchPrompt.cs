using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// The text of one ShouldProcess question about a batch: the users and the names it carries, the first few of each
/// and a count of the rest, each shortened, so that one line stays readable with 100 long ids and many names.
/// </summary>
internal static class BatchPrompt
{
    /// <summary>Users named before "and N more".</summary>
    public const int UsersShown = 3;

    /// <summary>Attribute names listed before "and N more".</summary>
    public const int NamesShown = 5;

    /// <summary>Longer ids and names are cut to this many characters, ending in "...".</summary>
    public const int MaxLength = 24;

    /// <summary>The target of a batch: "100 users: alice, bob, carol and 97 more" (or "1 user: alice").</summary>
    public static string Users(IReadOnlyList<string> users) =>
        string.Format(CultureInfo.InvariantCulture, "{0:N0} {1}: {2}", users.Count, users.Count == 1 ? "user" : "users", List(users, UsersShown));

    /// <summary>The names a batch carries, each once in first-seen order: "city, tier" or "a, b, c, d, e and 7 more".</summary>
    public static string Names(IEnumerable<string> names) =>
        List(names.Distinct(StringComparer.Ordinal).ToList(), NamesShown);

    private static string List(IReadOnlyList<string> values, int shown)
    {
        var listed = string.Join(", ", values.Take(shown).Select(Shorten));
        return values.Count > shown
            ? string.Format(CultureInfo.InvariantCulture, "{0} and {1:N0} more", listed, values.Count - shown)
            : listed;
    }

    private static string Shorten(string value) =>
        value.Length <= MaxLength ? value : value.Substring(0, MaxLength - 3) + "...";
}
