using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Auth;
using TencentImAttr.Core.Operations;
using TencentImAttr.Core.Text;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Trust;

/// <summary>
/// The one table of echo forms: every way a sent secret (a UserSig, the secret key) can come back in a server's text,
/// each checked against the one scrubber, then each path that carries server text checked to go through it.
/// </summary>
public class SecretScrubberTests
{
    // A UserSig-shaped secret with each of the URL-safe Base64 substitutes (* - _), and a key with the characters that
    // JSON, HTML and form encodings treat specially.
    private const string Sig = "eJwtzEELgjAYgOH-8p0X2yyd0i*dFEQUoaQdYmqfuoZrbLKI6L-X2ds9Gz-zzH_Q";
    private const string Key = "k3y/with+special\"chars\\&<>'sentinel";

    private static readonly SecretScrubber Scrubber = new(() => new[] { Sig, Key });

    private static string LowerHex(string encoded) =>
        System.Text.RegularExpressions.Regex.Replace(encoded, "%[0-9A-F]{2}", m => m.Value.ToLowerInvariant());

    private static string AllUnicodeEscapes(string s) => string.Concat(s.Select(c => $"\\u{(int)c:X4}"));

    private static string AllHtmlEntities(string s) => string.Concat(s.Select(c => $"&#{(int)c};"));

    /// <summary>The echo forms: a name and how the server writes the secret back.</summary>
    public static readonly (string Name, Func<string, string> Echo)[] Forms =
    {
        ("raw", s => s),
        ("percent-encoded, upper-case hex", Uri.EscapeDataString),
        ("percent-encoded, lower-case hex", s => LowerHex(Uri.EscapeDataString(s))),
        ("percent-encoded twice", s => Uri.EscapeDataString(Uri.EscapeDataString(s))),
        ("percent-encoded twice, lower-case hex", s => LowerHex(Uri.EscapeDataString(Uri.EscapeDataString(s)))),
        ("form-encoded", WebUtility.UrlEncode),
        ("JSON-escaped by System.Text.Json", s => System.Text.Json.JsonSerializer.Serialize(s).Trim('"')),
        ("JSON-escaped, every character as \\uXXXX", AllUnicodeEscapes),
        ("JSON-escaped, lower-case \\uxxxx", s => AllUnicodeEscapes(s).ToLowerInvariant().Replace("\\u", "\\u")),
        ("JSON with escaped slashes", s => s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("/", "\\/")),
        ("HTML-encoded", WebUtility.HtmlEncode),
        ("HTML numeric entities", AllHtmlEntities),
        ("half raw, half encoded", s => s.Substring(0, s.Length / 2) + Uri.EscapeDataString(s.Substring(s.Length / 2))),
        ("in a query without usersig=", s => "https://im.example.test/v4/x?sig=" + Uri.EscapeDataString(s) + "&identifier=administrator"),
        ("as a usersig= query value", s => "https://im.example.test/v4/x?identifier=a&UserSig=" + Uri.EscapeDataString(s) + "&random=1"),
        ("in a URL path", s => "https://proxy.example/" + Uri.EscapeDataString(s) + "/v4/all_member_push/im_get_attr"),
        ("in an encoded URL", s => Uri.EscapeDataString("https://im.example.test/v4/x?usersig=" + Uri.EscapeDataString(s) + "&random=1")),
    };

    public static IEnumerable<object[]> FormsAndSecrets() =>
        from form in Enumerable.Range(0, Forms.Length)
        from secret in new[] { "sig", "key" }
        select new object[] { Forms[form].Name, secret };

    private static string SecretNamed(string which) => which == "sig" ? Sig : Key;

    /// <summary>No run of 8 characters of the secret, nor 12 of any of its encodings, is left.</summary>
    internal static void AssertNoTrace(string secret, string text)
    {
        var traces = new[]
        {
            Uri.EscapeDataString(secret), LowerHex(Uri.EscapeDataString(secret)), Uri.EscapeDataString(Uri.EscapeDataString(secret)),
            AllUnicodeEscapes(secret), WebUtility.HtmlEncode(secret), AllHtmlEntities(secret),
        };
        for (var i = 0; i + 8 <= secret.Length; i++)
        {
            var piece = secret.Substring(i, 8);
            Assert.False(text.Contains(piece, StringComparison.Ordinal), $"'{piece}' of the secret is left in: {text}");
        }
        foreach (var trace in traces)
        {
            for (var i = 0; i + 12 <= trace.Length; i++)
            {
                var piece = trace.Substring(i, 12);
                Assert.False(text.Contains(piece, StringComparison.Ordinal), $"'{piece}' of an encoding of the secret is left in: {text}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(FormsAndSecrets))]
    public void Every_echo_form_of_a_sent_secret_is_scrubbed(string form, string which)
    {
        var secret = SecretNamed(which);
        var echo = Forms.Single(f => f.Name == form).Echo(secret);
        var text = Scrubber.Scrub("before " + echo + " after");
        AssertNoTrace(secret, text);
        Assert.Contains(SecretScrubber.Mask, text, StringComparison.Ordinal);
        Assert.StartsWith("before ", text, StringComparison.Ordinal);
        Assert.EndsWith(" after", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_usersig_parameter_is_masked_even_when_the_sig_was_not_issued_here()
    {
        foreach (var query in new[] { "usersig=abc*def-ghi", "UserSig%3Dabc%2Adef", "usersig%253Dabc", "usersig\\u003dabc*def" })
        {
            var text = new SecretScrubber(() => Array.Empty<string>()).Scrub("GET /v4/x?" + query + "&identifier=admin");
            Assert.DoesNotContain("abc", text, StringComparison.Ordinal);
            Assert.Contains("identifier=admin", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Plain_text_without_a_secret_is_left_as_it_is()
    {
        const string text = "im_set_attr failed: account u1 does not exist (rid 42).";
        Assert.Equal(text, Scrubber.Scrub(text));
    }

    [Fact]
    public void A_secret_that_straddles_the_excerpt_edge_is_scrubbed_before_the_cut()
    {
        foreach (var form in Forms)
        {
            var echo = form.Echo(Sig);
            // The echo starts a few characters before the 200th: cutting first would leave most of it.
            var body = new string('x', SecretScrubber.ExcerptChars - 5) + " " + echo + " and more text after it";
            var excerpt = Scrubber.Excerpt(Encoding.UTF8.GetBytes(body));
            AssertNoTrace(Sig, excerpt);
        }
    }

    [Fact]
    public void A_long_run_of_the_sig_alphabet_at_the_cut_is_masked()
    {
        // A sig this connection never issued (another admin's, an old one): only its shape gives it away.
        var unknown = "eJyrVgrxCdYrLkksyczPUbJSMjIwMtAwMDE0MDUw*Ta-_unknown1234567890abcdefgh";
        var body = new string('y', 10) + " rejected: " + new string(' ', 1) + new string('z', 0) + "x".PadRight(SecretScrubber.ExcerptChars - 40, '.') + " " + unknown + unknown;
        var excerpt = Scrubber.Excerpt(Encoding.UTF8.GetBytes(body));
        Assert.EndsWith(SecretScrubber.Mask + "...", excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain("eJyrVgrx", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void Words_at_the_cut_are_not_taken_for_a_secret()
    {
        var body = string.Concat(Enumerable.Repeat("the gateway said no. ", 20));
        var excerpt = Scrubber.Excerpt(Encoding.UTF8.GetBytes(body));
        Assert.DoesNotContain(SecretScrubber.Mask, excerpt, StringComparison.Ordinal);
        Assert.EndsWith("...", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void An_excerpt_skips_a_byte_order_mark_and_shows_control_characters_escaped()
    {
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("bad\u001b[2J\u001b]0;owned\u0007 line\nnext")).ToArray();
        var excerpt = Scrubber.Excerpt(body);
        Assert.Equal("bad\\u001B[2J\\u001B]0;owned\\u0007 line\\nnext", excerpt);
    }

    /// <summary>The paths that carry server text, each echoing the sent UserSig (and the key) in a few forms.</summary>
    public static IEnumerable<object[]> Paths() =>
        from path in new[] { "ErrorInfo", "ErrorList entry", "HTTP body", "HTML body", "exception message", "malformed JSON", "ActionStatus" }
        from form in new[] { "percent-encoded, lower-case hex", "percent-encoded twice", "JSON-escaped, every character as \\uXXXX", "in a URL path" }
        select new object[] { path, form };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Every_path_that_carries_server_text_goes_through_the_scrubber(string path, string form)
    {
        const string key = "KEY-sentinel-5a1f/+q\"k";
        var echoOf = Forms.Single(f => f.Name == form).Echo;
        string? sent = null;
        var stub = new StubHttpHandler
        {
            Responder = r =>
            {
                sent = r.Query["usersig"];
                var both = echoOf(sent) + " / " + echoOf(key);
                var json = System.Text.Json.JsonSerializer.Serialize(both);
                return path switch
                {
                    "ErrorInfo" => StubResponse.Json("{\"ActionStatus\":\"FAIL\",\"ErrorCode\":90009,\"ErrorInfo\":" + json + "}"),
                    "ErrorList entry" => StubResponse.Ok(",\"ErrorList\":[{\"To_Account\":\"u1\",\"ErrorCode\":70107,\"ErrorInfo\":" + json + "}]"),
                    "HTTP body" => StubResponse.Http(403, "denied " + both),
                    "HTML body" => StubResponse.Json("<html>" + both + "</html>"),
                    "exception message" => new StubResponse { Exception = new HttpRequestException("reset while sending " + both) },
                    "ActionStatus" => StubResponse.Json("{\"ActionStatus\":" + json + ",\"ErrorCode\":0}"),
                    _ => StubResponse.Json("{\"ActionStatus\":\"OK\",\"Echo\":\"" + both),
                };
            },
        };
        using var connection = TestConnections.Open(stub, secretKey: key, maxRetry: 0);
        var sink = new CollectingSink<TencentImAttr.Models.UserAttributes>();
        using (var engine = new Core.Engine.BatchEngine<Core.Input.SetItem, TencentImAttr.Models.UserAttributes>(new SetAttributesOperation(connection), new Core.Engine.EngineOptions(), sink))
        {
            engine.Add(Core.Input.InputReader.ForSet("u1", new System.Collections.Hashtable { ["city"] = "x" }, ImService.AllMemberPush).Item!);
            engine.Complete();
        }
        var failure = Assert.Single(sink.Failures);
        var shown = failure.Message + "\n" + failure.Exception + "\n" + ((ImApiException)failure.Exception).ErrorInfo;
        Assert.NotNull(sent);
        AssertNoTrace(sent!, shown);
        AssertNoTrace(key, shown);
    }
}
