using System;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace TencentImAttr.Core.Api;

/// <summary>
/// Reads a response body up to a fixed cap, whatever the server claims or sends: a Content-Length too large, an endless
/// chunked body, a compressed body that inflates past the cap (the cap counts the bytes after decompression) all stop
/// at the cap.
/// </summary>
internal static class BoundedResponseReader
{
    /// <summary>
    /// The most bytes read from one answer. The largest legitimate answer, a get of 100 users with 10 attributes of
    /// 50 bytes each (names of 50 bytes), is about 110 KB, or under 700 KB with every character JSON-escaped
    /// (\uXXXX); 4 MiB leaves room for verbose gateways and stays far from what would hurt a host.
    /// </summary>
    public const int MaxResponseBytes = 4 * 1024 * 1024;

    /// <summary>The largest declared length read straight into an array of that size: well above any legitimate answer (see <see cref="MaxResponseBytes"/>).</summary>
    internal const int ExactAtMost = 256 * 1024;

    /// <summary>The body, or null when it is larger than <paramref name="cap"/> bytes (nothing past the cap is read).</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent? content, int cap, CancellationToken cancellationToken)
    {
        if (content is null) return Array.Empty<byte>();
        var declared = content.Headers.ContentLength;
        if (declared > cap) return null;
        using var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
        // Every call reads an answer, so this is on the path of every user: when the length is declared (as the
        // service and the emulator do), the body is read straight into an array of that size, without a read buffer
        // or a growing copy (issue 18, allocations per user). Bytes beyond the declared length, which a decompressed
        // body may have, continue into the general loop below, under the same cap.
        // Only up to ExactAtMost: a server that declares megabytes and then trickles must not make every call in flight
        // hold an array of that size before a byte has come.
        byte[]? exact = null;
        if (declared is { } length and > 0 and <= ExactAtMost)
        {
            exact = new byte[length];
            var filled = 0;
            while (filled < exact.Length)
            {
                var read = await stream.ReadAsync(exact, filled, exact.Length - filled, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    Array.Resize(ref exact, filled);
                    return exact;
                }
                filled += read;
            }
        }
        var probe = exact is null ? null : new byte[1];
        if (probe is not null && await stream.ReadAsync(probe, 0, 1, cancellationToken).ConfigureAwait(false) == 0) return exact;
        using var buffer = new MemoryStream();
        if (probe is not null)
        {
            if (exact!.Length + 1 > cap) return null;
            buffer.Write(exact, 0, exact.Length);
            buffer.Write(probe, 0, 1);
        }
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false);
            if (read == 0) return buffer.ToArray();
            if (buffer.Length + read > cap) return null;
            buffer.Write(chunk, 0, read);
        }
    }
}
