using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using TencentImAttr.Core.Connection;

namespace TencentImAttr;

/// <summary>
/// The tags this session has already seen on a connection (read by Get-ImUserTag, or written by the tag cmdlets), for
/// -Tag completion. The API has no call that lists an app's tags, so completion offers only these: it costs a set
/// insert per tag of a result and never a call. Kept on the connection (a new connection starts afresh), at most
/// <see cref="MaxKept"/>.
/// </summary>
internal static class SeenTags
{
    /// <summary>Distinct tags kept per connection: enough for any app's vocabulary, bounded for a run over millions of users.</summary>
    public const int MaxKept = 1000;

    private static readonly ConditionalWeakTable<ImConnection, HashSet<string>> Seen = new();

    /// <summary>Notes the tags of one result.</summary>
    public static void Note(ImConnection connection, IEnumerable<string> tags)
    {
        var set = Seen.GetValue(connection, _ => new HashSet<string>(StringComparer.Ordinal));
        lock (set)
        {
            foreach (var tag in tags)
            {
                if (set.Count >= MaxKept) return;
                set.Add(tag);
            }
        }
    }

    /// <summary>The tags seen on <paramref name="connection"/>, sorted.</summary>
    public static IReadOnlyList<string> Of(ImConnection connection)
    {
        if (!Seen.TryGetValue(connection, out var set)) return Array.Empty<string>();
        lock (set) return set.OrderBy(t => t, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
