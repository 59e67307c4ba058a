using System;
using System.Collections.Generic;
using System.Globalization;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Core.Api;

/// <summary>What one HTTP attempt sent and got, gathered for the -Debug wire trace.</summary>
internal sealed class WireExchange
{
    /// <summary>Starts an exchange at <paramref name="started"/> (the endpoint clock's elapsed time).</summary>
    public WireExchange(TimeSpan started) => Started = started;

    /// <summary>When the attempt started.</summary>
    public TimeSpan Started { get; }

    /// <summary>The request URI, UserSig and all: only ever shown scrubbed.</summary>
    public Uri? Uri { get; set; }

    /// <summary>The HTTP status, when an answer came.</summary>
    public int? Status { get; set; }

    /// <summary>The answer's reason phrase.</summary>
    public string? Reason { get; set; }

    /// <summary>The answer's body as read (null when it was too large to read).</summary>
    public byte[]? Answer { get; set; }

    /// <summary>The error id of a failed attempt, or "cancelled".</summary>
    public string? Failure { get; set; }
}

/// <summary>
/// The -Debug wire trace of one HTTP attempt, as Microsoft Graph's -Debug shows it: method, path and query, status,
/// time, body sizes, and each body cut at <see cref="BodyChars"/>. The UserSig travels in the query string and is
/// masked there; every text goes through the connection's scrubber (the key and the UserSigs in any echo form) and is
/// escaped.
/// </summary>
internal static class WireTrace
{
    /// <summary>Characters of each body shown: a few KB, enough for a batch's start and any error answer.</summary>
    public const int BodyChars = 4096;

    /// <summary>The lines for <paramref name="exchange"/>, ended at <paramref name="now"/>: the call, the request body, the answer body.</summary>
    public static IEnumerable<string> Lines(WireExchange exchange, byte[] request, TimeSpan now, SecretScrubber scrubber)
    {
        var c = CultureInfo.InvariantCulture;
        var target = exchange.Uri is { } uri ? MessageText.Escape(scrubber.Scrub(uri.PathAndQuery)) : "(no request)";
        var took = (now - exchange.Started).TotalMilliseconds.ToString("N0", c);
        var answer = exchange.Status is { } status
            ? string.Format(c, "HTTP {0} {1}", status, scrubber.ForMessage(exchange.Reason)).TrimEnd()
            : "no answer";
        if (exchange.Failure is { } failure) answer += " (" + failure + ")";
        var received = exchange.Answer is { } body ? string.Format(c, "{0:N0} bytes", body.Length) : "nothing read";
        yield return string.Format(c, "POST {0} -> {1} in {2} ms; sent {3:N0} bytes, received {4}", target, answer, took, request.Length, received);
        yield return "request body: " + scrubber.Excerpt(request, BodyChars);
        if (exchange.Answer is { } content) yield return "answer body: " + scrubber.Excerpt(content, BodyChars);
    }
}
