using System;
using System.Text.RegularExpressions;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Core.Input;

/// <summary>
/// Recognises an Attributes column that holds what Export-Csv writes for a table instead of the table: its .NET type
/// name (<c>System.Collections.Generic.Dictionary`2[System.String,System.String]</c>, <c>System.Collections.Hashtable</c>)
/// or PowerShell's text of an object (<c>@{city=Shenzhen}</c>). Read as one attribute named Attributes it would only
/// fail later, and misleadingly (a value over 50 bytes, or a name not registered).
/// </summary>
internal static class ExportedTableText
{

    private static readonly Regex TypeName = new(@"^(System|TencentImAttr)(\.\w+)+(`\d+\[.*\])?$", RegexOptions.CultureInvariant);

    /// <summary>The error for such a value in a table column, or null when the value is something else.</summary>
    public static ImInputException? Check(string column, object? value, string userId)
    {
        if (value is not string text) return null;
        var trimmed = text.Trim();
        var isObjectText = trimmed.StartsWith("@{", StringComparison.Ordinal) && trimmed.EndsWith("}", StringComparison.Ordinal);
        if (!isObjectText && !TypeName.IsMatch(trimmed)) return null;
        return new ImInputException(ErrorIds.AttributeTableAsText,
            $"User '{userId}': the {column} column holds the text '{Shorten(trimmed)}', not attributes: Export-Csv writes a table as its type name, and an object as its text. "
            + "Export one column per attribute with Get-ImUserAttribute -AsRow | Export-Csv, or keep the tables with ConvertTo-Json.",
            userId, ImErrorCategory.InvalidData);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text.Substring(0, 77) + "...";
}
