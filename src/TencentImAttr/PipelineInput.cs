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
    /// <summary>
    /// A pipeline object as the core reads it: a string, a number or a table as it is; a DataRow by its columns; any
    /// other object by its gettable properties (those jobs and remoting add are left out, see <see cref="InputProperties"/>).
    /// </summary>
    public static PipelineRecord Read(PSObject? input)
    {
        var value = Plain(input);
        if (value is null or string or IDictionary || InputProperties.NumberAsUserId(value) is not null) return PipelineRecord.FromObject(value, null);
        if (value is System.Data.DataRow row) return PipelineRecord.FromObject(value, InputProperties.OfDataRow(row).Select(p => new KeyValuePair<string, object?>(p.Key, Plain(p.Value))).ToList());
        // A [pscustomobject] or a CSV row: its own note properties, without PowerShell's member resolution per object.
        if (CustomObjectProperties.TryRead(input!) is { } own)
        {
            var values = new List<KeyValuePair<string, object?>>(own.Count);
            for (var i = 0; i < own.Count; i++) values.Add(new KeyValuePair<string, object?>(own[i].Name, Plain(PipelineTables.Read(own[i].Name, SafeValue(own[i])))));
            return PipelineRecord.FromObject(value, values);
        }
        var properties = input!.Properties
            .Where(p => p.IsGettable)
            .Select(p => new KeyValuePair<string, object?>(p.Name, Plain(PipelineTables.Read(p.Name, SafeValue(p)))))
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
            return InputProperties.CellValue(property.Value);
        }
        catch (System.Exception e) when (e is GetValueException or ExtendedTypeSystemException)
        {
            // Dropping the property would send the item without it, as if the value were not there.
            return new UnreadableProperty(e.InnerException?.Message ?? e.Message);
        }
    }
}
