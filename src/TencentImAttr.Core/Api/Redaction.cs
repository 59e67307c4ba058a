using System;
using System.Text;
using TencentImAttr.Core.Auth;

namespace TencentImAttr.Core.Api;

/// <summary>Keeps secrets and long bodies out of messages.</summary>
internal static class Redaction
{
    private static readonly System.Text.RegularExpressions.Regex SigInQuery = new("(usersig=)[^&\\s\"'<>]*", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    public static string Scrub(string text, UserSigSource? sig)
    {
        if (string.IsNullOrEmpty(text)) return text;
        text = SigInQuery.Replace(text, "$1***");
        foreach (var issued in sig?.Recent() ?? Array.Empty<string?>())
        {
            if (!string.IsNullOrEmpty(issued) && text.IndexOf(issued, StringComparison.Ordinal) >= 0)
            {
                text = text.Replace(issued, "***");
            }
        }
        return text;
    }

    public static string Excerpt(byte[] body, int max = 200)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, max * 4));
        var sb = new StringBuilder();
        foreach (var c in text)
        {
            if (sb.Length >= max) { sb.Append("..."); break; }
            sb.Append(char.IsControl(c) ? ' ' : c);
        }
        return sb.ToString().Trim();
    }
}
