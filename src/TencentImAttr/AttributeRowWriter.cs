using System.Collections.Generic;
using System.Management.Automation;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr;

/// <summary>
/// Get-ImUserAttribute -AsRow: each answer as a flat PSCustomObject (UserId, then one property per registered
/// attribute name, null where not set), the shape Export-Csv writes and Import-Csv | Set-ImUserAttribute reads back.
/// </summary>
internal sealed class AttributeRowWriter
{
    private readonly IReadOnlyList<string> _names;

    private AttributeRowWriter(IReadOnlyList<string> names) => _names = names;

    /// <summary>A writer for these registered names, or the reason they cannot be columns.</summary>
    public static AttributeRowWriter? For(IReadOnlyList<string> registeredNames, out string? problem, System.Func<string, string>? scrub = null)
    {
        problem = AttributeRows.CheckColumns(registeredNames, scrub);
        return problem is null ? new AttributeRowWriter(registeredNames) : null;
    }

    public PSObject ToRow(UserAttributes user)
    {
        var row = new PSObject();
        foreach (var cell in AttributeRows.Cells(user, _names))
        {
            row.Properties.Add(new PSNoteProperty(cell.Key, cell.Value));
        }
        return row;
    }
}
