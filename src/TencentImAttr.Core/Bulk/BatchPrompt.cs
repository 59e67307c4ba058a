using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// The text of one ShouldProcess question about a batch: the users and the names it carries, the first few of each
/// and a count of the rest, each shortened, so that one line stays readable with 100 long ids and many names. Every
/// text is scrubbed of the connection's secrets (names and tags may come from the service) before it is cut, and
/// escaped (<see cref="MessageText.Escape"/>), so that a terminal escape in a name never reaches the console live,
/// where it could rewrite the question.
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
    public static string Users(IReadOnlyList<string> users, SecretScrubber? scrubber = null) =>
        string.Format(CultureInfo.InvariantCulture, "{0:N0} {1}: {2}", users.Count, users.Count == 1 ? "user" : "users", List(users, UsersShown, scrubber));

    /// <summary>The names a batch carries, each once in first-seen order: "city, tier" or "a, b, c, d, e and 7 more".</summary>
    public static string Names(IEnumerable<string> names, SecretScrubber? scrubber = null) =>
        List(names.Distinct(StringComparer.Ordinal).ToList(), NamesShown, scrubber);

    private static string List(IReadOnlyList<string> values, int shown, SecretScrubber? scrubber)
    {
        var listed = string.Join(", ", values.Take(shown).Select(v => Shorten(v, scrubber)));
        return values.Count > shown
            ? string.Format(CultureInfo.InvariantCulture, "{0} and {1:N0} more", listed, values.Count - shown)
            : listed;
    }

    private static string Shorten(string value, SecretScrubber? scrubber)
    {
        // Scrubbed whole (a cut secret may be too short to recognise), escaped, then cut where no escape is split.
        var shown = MessageText.Escape(scrubber is null ? value : scrubber.Scrub(value));
        if (shown.Length <= MaxLength) return shown;
        var cut = MaxLength - 3;
        var escape = shown.LastIndexOf('\\', cut - 1);
        if (escape >= 0 && escape > cut - 6) cut = escape;
        if (cut > 0 && char.IsHighSurrogate(shown[cut - 1])) cut--;
        return shown.Substring(0, cut) + "...";
    }
}
