using System;
using System.Collections.Generic;
using System.Data;
using System.Globalization;
using System.Linq;
using System.Numerics;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Core.Input;

/// <summary>
/// Turns a pipeline object into the name/value pairs the input reader reads: a <see cref="DataRow"/> (Invoke-Sqlcmd,
/// ADO.NET) by its columns, not its own properties, with DBNull as an empty cell; properties that PowerShell adds to
/// objects coming back from jobs and remoting are never attributes; a property whose getter threw stays as a marker
/// so that the item becomes an error instead of silently losing it.
/// </summary>
internal static class InputProperties
{
    /// <summary>Properties PowerShell adds to objects from jobs and remoting (Receive-Job, Invoke-Command): never sent.</summary>
    public static readonly IReadOnlyList<string> Ignored = new[] { "PSComputerName", "RunspaceId", "PSShowComputerName", "PSSourceJobInstanceId" };

    /// <summary>The columns of a row and their values (a DBNull is an empty cell).</summary>
    public static List<KeyValuePair<string, object?>> OfDataRow(DataRow row) =>
        row.Table.Columns.Cast<DataColumn>()
            .Select(c => new KeyValuePair<string, object?>(c.ColumnName, CellValue(row[c])))
            .ToList();

    /// <summary>A value read from outside, as it is.</summary>
    /// <remarks>DBNull is kept, not made null: under -Replace an empty cell (DBNull or "") removes the attribute, where a
    /// null (a property Select-Object made for a missing column) is "not given". Readers of ids, names and tags take it as null.</remarks>
    public static object? CellValue(object? value) => value;

    /// <summary>The pairs without the properties of <see cref="Ignored"/>.</summary>
    public static List<KeyValuePair<string, object?>> WithoutIgnored(IReadOnlyList<KeyValuePair<string, object?>> properties)
    {
        // Once per object (issue 25): index loops, not LINQ's Where and Contains with a comparer.
        var kept = new List<KeyValuePair<string, object?>>(properties.Count);
        for (var i = 0; i < properties.Count; i++)
        {
            if (!IsIgnored(properties[i].Key)) kept.Add(properties[i]);
        }
        return kept;
    }

    private static bool IsIgnored(string name)
    {
        for (var k = 0; k < Ignored.Count; k++)
        {
            if (string.Equals(name, Ignored[k], StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>
    /// The user id a number stands for (<c>1001, 1002 | Get-ImUserAttribute</c>, as with <c>-UserId 1001</c>): the
    /// integer types, written in the invariant culture; null for anything else.
    /// </summary>
    public static string? NumberAsUserId(object? value) => value switch
    {
        int or long or short or sbyte or byte or ushort or uint or ulong or BigInteger => ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>The first unreadable property of the pairs, as the input error for the item; null when all were read.</summary>
    internal static ImInputException? FirstUnreadable(IReadOnlyList<KeyValuePair<string, object?>> properties, object? target)
    {
        for (var i = 0; i < properties.Count; i++)
        {
            var p = properties[i];
            if (p.Value is UnreadableProperty bad)
            {
                return new ImInputException(ErrorIds.InputPropertyUnreadable,
                    $"The property '{MessageText.Quote(p.Key)}' of the input could not be read ({MessageText.Quote(bad.Reason)}), so the item is not sent without it.", target, ImErrorCategory.ReadError);
            }
        }
        return null;
    }
}

/// <summary>Stands for the value of a property whose getter threw: the item that carries it is reported as an error.</summary>
internal sealed class UnreadableProperty
{
    /// <summary>Wraps the getter's failure.</summary>
    public UnreadableProperty(string reason) => Reason = reason ?? "";

    /// <summary>Why the getter failed (its exception's message).</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public override string ToString() => "(unreadable: " + Reason + ")";
}
