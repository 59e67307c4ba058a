using System.Collections.Generic;
using System.Linq;

namespace TencentImAttr.Core.Text;

/// <summary>
/// The one home of how a text from outside is shown as data (the format views, and the text that Export-Csv and
/// string expansion take from a drift's tables): control characters and terminal escapes escaped, and a text that
/// holds the separators (= ; , quotes), blanks at its ends or "->" quoted, so that one value can never read as two.
/// </summary>
internal static class DisplayText
{
    private static readonly char[] Separators = { '=', ';', ',', '\'', '"' };

    /// <summary>One text: as it is when plain, else in single quotes (a quote doubled), control characters escaped.</summary>
    public static string Value(string? text)
    {
        text ??= "";
        var escaped = MessageText.Escape(text);
        var plain = text.Length > 0 && escaped == text && text.IndexOfAny(Separators) < 0 && text.Trim() == text;
        return plain ? text : "'" + escaped.Replace("'", "''") + "'";
    }

    /// <summary>A side of a change: as <see cref="Value"/>, and quoted when it holds "->", so that one change never reads as two.</summary>
    public static string Side(string text)
    {
        var shown = Value(text);
        return shown == text && text.Contains("->") ? "'" + text + "'" : shown;
    }

    /// <summary>Pairs as <c>name=value; name=value</c>, each side shown by <see cref="Value"/>.</summary>
    public static string Pairs(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join("; ", pairs.Select(p => Value(p.Key) + "=" + Value(p.Value)));

    /// <summary>A list as <c>a, b, c</c>, each shown by <see cref="Value"/>.</summary>
    public static string List(IEnumerable<string> items) => string.Join(", ", items.Select(Value));
}
