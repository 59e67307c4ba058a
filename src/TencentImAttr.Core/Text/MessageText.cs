using System.Globalization;
using System.Text;

namespace TencentImAttr.Core.Text;

/// <summary>
/// How texts from outside (the server's answers, the caller's input) are shown inside messages: control characters
/// and terminal escape sequences never reach the console live, and a huge value is shown by its start and its size.
/// Objects keep the exact values; only messages use these forms.
/// </summary>
public static class MessageText
{
    /// <summary>Characters of a value shown in a message before it is shortened.</summary>
    public const int QuotedChars = 40;

    /// <summary>
    /// The text with every control character (C0, DEL, C1: ESC and CSI start terminal sequences), line and paragraph
    /// separator, bidirectional override and lone surrogate written as a visible escape (<c>\n</c>, <c>\t</c>,
    /// <c>\u001B</c>), and backslashes left as they are.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        StringBuilder? sb = null;
        for (var i = 0; i < text!.Length; i++)
        {
            var c = text[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (paired)
            {
                sb?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (!NeedsEscape(c))
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            sb.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                '\0' => @"\0",
                _ => @"\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
            });
        }
        return sb?.ToString() ?? text;
    }

    /// <summary>
    /// A value for a message: escaped as by <see cref="Escape"/>, and when long, its start followed by its length in
    /// UTF-8 bytes (<c>abcdef... (12,000 bytes)</c>), so that one huge id cannot flood an error log.
    /// </summary>
    public static string Quote(string? text)
    {
        if (text is null) return "";
        if (text.Length <= QuotedChars) return Escape(text);
        var cut = QuotedChars;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return Escape(text.Substring(0, cut)) + "... (" + ByteCount(text).ToString("N0", CultureInfo.InvariantCulture) + " bytes)";
    }

    private static int ByteCount(string text) => new UTF8Encoding(false, false).GetByteCount(text);

    private static bool NeedsEscape(char c) =>
        c < 0x20 || c is >= '\u007F' and <= '\u009F'
        || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
        || char.IsSurrogate(c);
}
