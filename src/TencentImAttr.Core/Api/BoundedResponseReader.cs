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

    /// <summary>The body, or null when it is larger than <paramref name="cap"/> bytes (nothing past the cap is read).</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent? content, int cap, CancellationToken cancellationToken)
    {
        if (content is null) return Array.Empty<byte>();
        if (content.Headers.ContentLength is { } declared && declared > cap) return null;
        using var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
        using var buffer = new MemoryStream();
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
