using System;
using System.Collections.Specialized;
using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Operations;

namespace TencentImAttr;

/// <summary>
/// Reads an object in an Attributes property (Attribute, Attrs) as the table it stands for: ConvertFrom-Json turns
/// Get's Attributes table into a PSCustomObject, so that <c>Get-ImUserAttribute | ConvertTo-Json</c> and
/// <c>ConvertFrom-Json | Set-ImUserAttribute</c> round-trip. Any other value is left as it is, for the core's rules.
/// </summary>
internal static class PipelineTables
{
    public static object? Read(string propertyName, object? value)
    {
        if (value is not PSObject { BaseObject: PSCustomObject } custom
            || !SetItem.TableProperties.Contains(propertyName, StringComparer.OrdinalIgnoreCase))
        {
            return value;
        }
        var table = new OrderedDictionary(StringComparer.Ordinal);
        foreach (var property in custom.Properties.Where(p => p.IsGettable))
        {
            table[property.Name] = property.Value;
        }
        return table;
    }
}
