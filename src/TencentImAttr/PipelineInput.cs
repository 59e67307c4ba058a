using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Input;

namespace TencentImAttr;

/// <summary>
/// The one place where PowerShell's objects become plain .NET values for the core: a pipeline object is unwrapped
/// here, once, with its property values, table entries and array elements, so the core never sees a PSObject.
/// </summary>
internal static class PipelineInput
{
    /// <summary>A pipeline object as the core reads it.</summary>
    public static PipelineRecord Read(PSObject? input)
    {
        var value = Plain(input);
        if (value is null or string or IDictionary) return PipelineRecord.FromObject(value, null);
        var properties = input!.Properties
            .Where(p => p.IsGettable)
            .Select(p => new KeyValuePair<string, object?>(p.Name, Plain(SafeValue(p))))
            .ToList();
        return PipelineRecord.FromObject(value, properties);
    }

    /// <summary>
    /// A value without PowerShell's wrappers: a PSObject's base object; a table with plain keys and values (order
    /// kept); an array with plain elements. Anything else is already plain.
    /// </summary>
    public static object? Plain(object? value)
    {
        switch (value)
        {
            case PSObject wrapped:
                return Plain(wrapped.BaseObject);
            case IDictionary table:
                var copy = new OrderedDictionary(table.Count);
                foreach (DictionaryEntry entry in table) copy[Plain(entry.Key)!] = Plain(entry.Value);
                return copy;
            case object[] array:
                return array.Select(Plain).ToArray();
            default:
                return value;
        }
    }

    private static object? SafeValue(PSPropertyInfo property)
    {
        try
        {
            return property.Value;
        }
        catch (GetValueException)
        {
            return null;
        }
    }
}
