using System;
using System.Collections.Generic;
using System.Linq;
using TencentImAttr.Core.Input;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>
/// Get's answers as flat rows (Get-ImUserAttribute -AsRow): UserId, then one column per attribute name the app has
/// registered, in slot order. A value not set is null, which Export-Csv writes as an empty cell and Set reads back as
/// "nothing to set", so that rows exported to CSV or JSON and imported again restore exactly the values they hold.
/// </summary>
internal static class AttributeRows
{
    /// <summary>Where rows cannot hold the names: the exact ways to back up and restore the tables instead.</summary>
    private const string ExactWithoutRows =
        "export without -AsRow, keeping the Attributes tables: Get-ImUserAttribute | Export-Clixml backup.xml, restored with Import-Clixml backup.xml | Set-ImUserAttribute (exact on every PowerShell); "
        + "or ConvertTo-Json, restored with ConvertFrom-Json -AsHashtable -DateKind String (PowerShell 7.5 or later; plain ConvertFrom-Json refuses names that differ only in case, and makes dates of date-like texts).";

    /// <summary>The column that names the user.</summary>
    public const string UserIdColumn = "UserId";

    /// <summary>
    /// Why the registered names cannot be columns, or null when they can: a name that Set would read as the user
    /// (UserId, To_Account, Account) or as a whole table (Attributes, Attribute, Attrs), or two names that differ only
    /// in case (PowerShell's property names, and so CSV headers, ignore case).
    /// </summary>
    /// <param name="registeredNames">The app's names, as the service gave them.</param>
    /// <param name="scrub">The connection's scrubber: a name from the service is scrubbed of secrets before it is quoted (and cut).</param>
    public static string? CheckColumns(IReadOnlyList<string> registeredNames, Func<string, string>? scrub = null)
    {
        string Shown(string name) => Text.MessageText.Quote(scrub is null ? name : scrub(name));
        foreach (var name in registeredNames)
        {
            if (PipelineRecord.UserIdProperties.Contains(name, StringComparer.OrdinalIgnoreCase)
                || SetItem.TableProperties.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return $"The app's attribute name '{Shown(name)}' is also a column that Set-ImUserAttribute reads as the user or as a whole table, so rows cannot hold it: " + ExactWithoutRows;
            }
        }
        var clash = AttributeNameCase.FirstClash(registeredNames);
        return clash is null
            ? null
            : $"The app's attribute names '{Shown(clash.Value.First)}' and '{Shown(clash.Value.Second)}' differ only in case, and PowerShell's property names (CSV headers) ignore case, so rows cannot hold both: " + ExactWithoutRows;
    }

    /// <summary>
    /// One user's row: UserId, then each registered name with its value or null (not set), then any attribute the
    /// user holds under a name that is not registered (so that nothing read is dropped).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string?>> Cells(UserAttributes user, IReadOnlyList<string> registeredNames)
    {
        if (user is null) throw new ArgumentNullException(nameof(user));
        var cells = new List<KeyValuePair<string, string?>>(registeredNames.Count + 1) { new(UserIdColumn, user.UserId) };
        foreach (var name in registeredNames)
        {
            cells.Add(new(name, FindExact(user.Attributes, name)));
        }
        foreach (var pair in user.Attributes)
        {
            // A name the service returns is registered, in its exact case; anything else is kept unless it would
            // collide with a column (PowerShell's property names ignore case).
            if (!cells.Any(c => string.Equals(c.Key, pair.Key, StringComparison.OrdinalIgnoreCase))) cells.Add(new(pair.Key, pair.Value));
        }
        return cells;
    }

    // The table may ignore case for reading; a column takes only the value stored under its exact name.
    private static string? FindExact(Dictionary<string, string> attributes, string name) =>
        attributes.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.Ordinal)).Value;
}
