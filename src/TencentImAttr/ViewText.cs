using System.Collections;
using System.Globalization;
using System.Linq;
using System.Text;
using TencentImAttr.Core.Text;

namespace TencentImAttr;

/// <summary>
/// How the format views show texts that came from outside (attribute names and values from the server, names the
/// app registered): control characters and terminal escapes never reach the console live, and a text that holds the
/// view's own separators (= ; , quotes) or blanks at its ends is quoted, so that one value can never read as two
/// attributes. The objects keep the exact values; only the display changes. Called from TencentImAttr.format.ps1xml.
/// </summary>
public static class ViewText
{
    /// <summary>One text: as it is when plain, else in single quotes (a quote doubled), control characters escaped.</summary>
    public static string Value(object? value) =>
        DisplayText.Value(value is null ? "" : System.Convert.ToString(value, CultureInfo.InvariantCulture));

    /// <summary>A table's pairs as <c>name=value; name=value</c>, each side shown by <see cref="Value"/>.</summary>
    public static string Pairs(IDictionary? table)
    {
        if (table is null) return "";
        var sb = new StringBuilder();
        foreach (DictionaryEntry entry in table)
        {
            if (sb.Length > 0) sb.Append("; ");
            sb.Append(Value(entry.Key)).Append('=').Append(Value(entry.Value));
        }
        return sb.ToString();
    }

    /// <summary>
    /// A -Replace drift's changed attributes as <c>name=old->new; ...</c>, each text shown by <see cref="Value"/>
    /// (a value holding "->" is quoted, so that one change never reads as two).
    /// </summary>
    public static string Changes(IDictionary? table)
    {
        if (table is null) return "";
        var sb = new StringBuilder();
        foreach (DictionaryEntry entry in table)
        {
            if (sb.Length > 0) sb.Append("; ");
            sb.Append(Value(entry.Key)).Append('=');
            if (entry.Value is Models.AttributeValueChange change) sb.Append(Side(change.Old)).Append("->").Append(Side(change.New));
            else sb.Append(Value(entry.Value));
        }
        return sb.ToString();
    }

    private static string Side(string text) => DisplayText.Side(text);

    /// <summary>A list as <c>a, b, c</c>, each shown by <see cref="Value"/>.</summary>
    public static string List(IEnumerable? items) =>
        items is null ? "" : string.Join(", ", items.Cast<object?>().Select(Value));
}
