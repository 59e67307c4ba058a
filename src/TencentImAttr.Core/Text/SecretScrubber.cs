using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TencentImAttr.Core.Text;

/// <summary>
/// The one home of scrubbing: removes from a server's text every form in which a secret the module sent (the UserSigs
/// it issued, the secret key) can come back. A server, proxy or gateway may echo the request URL, its query values
/// (percent-encoded once or twice, in either case of hex), a JSON rendering of them, or an HTML page quoting them; each
/// character of a secret is matched in any of those forms, so a mix of them is caught too. Every path that carries
/// server text (ErrorInfo, ErrorList entries, HTTP bodies, exception messages) goes through <see cref="Scrub"/> or
/// <see cref="Excerpt(byte[])"/>.
/// </summary>
internal sealed class SecretScrubber
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    /// <summary>Characters of an excerpt; a body is scrubbed whole (up to <see cref="ScrubWindowBytes"/>) before it is cut.</summary>
    public const int ExcerptChars = 200;

    /// <summary>How much of a body is decoded and scrubbed for an excerpt: far more than any secret's longest echo.</summary>
    public const int ScrubWindowBytes = 32 * 1024;

    /// <summary>
    /// A run this long of the UserSig's alphabet (Base64 with * - _, and % of an encoding) at a cut edge is taken for
    /// the start of a secret that the cut split, and masked: a cut may leave too little of a secret to recognise.
    /// </summary>
    public const int SuspectTail = 16;

    // Whatever follows usersig= (or its encoded forms) up to the end of the query value is a UserSig, issued here or not.
    private static readonly Regex SigParameter = new(
        @"((?:usersig|user_sig)(?:=|%3d|%253d|\\u003d|&#61;|&#x3d;)\s*)[^&\s""'<>\\]+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);
    private const int PatternsKept = 256;

    private readonly Func<IEnumerable<string?>> _secrets;

    /// <summary>A scrubber for the secrets <paramref name="secrets"/> lists when asked (they change when a UserSig is renewed).</summary>
    public SecretScrubber(Func<IEnumerable<string?>> secrets) => _secrets = secrets;

    /// <summary>The text with every echo of a secret replaced by <see cref="Mask"/>.</summary>
    public string Scrub(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        text = SigParameter.Replace(text, "$1" + Mask);
        foreach (var secret in _secrets())
        {
            if (string.IsNullOrEmpty(secret)) continue;
            text = PatternFor(secret!).Replace(text, Mask);
        }
        return text;
    }

    /// <summary>A short server text (a reason phrase, a status word, an exception message) for a message: scrubbed, then escaped.</summary>
    public string ForMessage(string? text) => MessageText.Escape(Scrub(text ?? ""));

    /// <summary>Scrubs a text that may be null.</summary>
    public string? ScrubOrNull(string? text) => text is null ? null : Scrub(text);

    /// <summary>
    /// The start of a response body for a message: decoded (a UTF-8 byte-order mark skipped), scrubbed whole, then cut,
    /// with a suspect tail at the cut masked, and control characters shown escaped.
    /// </summary>
    public string Excerpt(byte[] body) => Excerpt(body, ExcerptChars);

    /// <summary>As <see cref="Excerpt(byte[])"/>, cut at <paramref name="chars"/> characters (the -Debug wire trace keeps a few KB).</summary>
    public string Excerpt(byte[] body, int chars)
    {
        var offset = Utf8Bom.Length(body);
        var count = Math.Min(body.Length - offset, ScrubWindowBytes);
        var text = Scrub(Encoding.UTF8.GetString(body, offset, count));
        return Cut(text, inputWasCut: count < body.Length - offset, chars);
    }

    /// <summary>Cuts a scrubbed text to <paramref name="chars"/>; where it was cut (here or before), a suspect tail is masked.</summary>
    internal static string Cut(string scrubbed, bool inputWasCut, int chars = ExcerptChars)
    {
        var cut = inputWasCut;
        if (scrubbed.Length > chars)
        {
            scrubbed = scrubbed.Substring(0, chars);
            cut = true;
        }
        if (cut)
        {
            var run = 0;
            while (run < scrubbed.Length && IsSigAlphabet(scrubbed[scrubbed.Length - 1 - run])) run++;
            if (run >= SuspectTail) scrubbed = scrubbed.Substring(0, scrubbed.Length - run) + Mask;
            scrubbed += "...";
        }
        return MessageText.Escape(scrubbed.Trim());
    }

    private static bool IsSigAlphabet(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '*' or '-' or '_' or '%' or '+' or '/' or '=';

    private static Regex PatternFor(string secret)
    {
        if (Patterns.TryGetValue(secret, out var known)) return known;
        if (Patterns.Count > PatternsKept) Patterns.Clear();
        var pattern = new StringBuilder();
        for (var i = 0; i < secret.Length; i++)
        {
            var codePoint = char.ConvertToUtf32(secret, i);
            var unit = char.ConvertFromUtf32(codePoint);
            if (unit.Length == 2) i++;
            pattern.Append("(?:").Append(Regex.Escape(unit));
            foreach (var form in EchoForms(codePoint, unit)) pattern.Append('|').Append(form);
            pattern.Append(')');
        }
        var regex = new Regex(pattern.ToString(), RegexOptions.CultureInvariant);
        Patterns[secret] = regex;
        return regex;
    }

    /// <summary>The ways one character of a secret can come back, as regular expressions.</summary>
    private static IEnumerable<string> EchoForms(int codePoint, string unit)
    {
        var utf8 = Encoding.UTF8.GetBytes(unit);
        var once = new StringBuilder();
        var twice = new StringBuilder();
        foreach (var b in utf8)
        {
            var hex = b.ToString("x2", CultureInfo.InvariantCulture);
            once.Append("%(?i:").Append(hex).Append(')');
            twice.Append("%25(?i:").Append(hex).Append(')');
        }
        yield return once.ToString();
        yield return twice.ToString();
        foreach (var c in unit)
        {
            // JSON and JavaScript: \u002A in either case; the short escapes of the characters that have one.
            yield return @"\\u(?i:" + ((int)c).ToString("x4", CultureInfo.InvariantCulture) + ")";
        }
        if (unit is "\"" or "\\" or "/") yield return @"\\" + Regex.Escape(unit);
        // HTML: the named entities, &#42; and &#x2a;.
        var named = unit switch { "&" => "amp", "<" => "lt", ">" => "gt", "\"" => "quot", "'" => "apos", _ => null };
        if (named is not null) yield return "&(?i:" + named + ");";
        yield return "&#0*" + codePoint.ToString(CultureInfo.InvariantCulture) + ";";
        yield return "&#(?i:x)0*(?i:" + codePoint.ToString("x", CultureInfo.InvariantCulture) + ");";
        // Form encoding turns a space into + and back.
        if (unit == "+") yield return " ";
        if (unit == " ") yield return @"\+";
    }
}

/// <summary>The UTF-8 byte-order mark, which some servers put before their JSON.</summary>
internal static class Utf8Bom
{
    /// <summary>3 when <paramref name="body"/> starts with EF BB BF, else 0.</summary>
    public static int Length(byte[] body) => body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? 3 : 0;
}
