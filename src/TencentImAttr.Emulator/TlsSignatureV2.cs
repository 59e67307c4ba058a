using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TencentImAttr.Emulator;

/// <summary>
/// A UserSig (TLS signature v2) as the emulator reads one, written from the document's steps (shared/API.md,
/// "UserSig (TLS signature v2)") and not from the module's generator, so that a generator that drifts from the page
/// is refused here (issue 21). Undone in reverse: URL-safe Base64 (<c>*</c> <c>-</c> <c>_</c> for <c>+</c> <c>/</c>
/// <c>=</c>), zlib (RFC 1950), a JSON object with TLS.ver "2.0", TLS.identifier, TLS.sdkappid, TLS.time, TLS.expire
/// and TLS.sig, the Base64 HMAC-SHA256 of the four lines <c>TLS.identifier:…\nTLS.sdkappid:…\nTLS.time:…\nTLS.expire:…\n</c>.
/// </summary>
internal sealed class TlsSignatureV2
{
    // A signature's JSON is a few hundred bytes; more than this is not a UserSig (and not worth inflating).
    private const int MaxJsonBytes = 64 * 1024;

    private TlsSignatureV2(string identifier, long sdkAppId, long time, long expire, string signature)
    {
        Identifier = identifier;
        SdkAppId = sdkAppId;
        Time = time;
        Expire = expire;
        Signature = signature;
    }

    /// <summary>TLS.identifier: the account the signature was made for.</summary>
    public string Identifier { get; }

    /// <summary>TLS.sdkappid.</summary>
    public long SdkAppId { get; }

    /// <summary>TLS.time: Unix seconds when it was made.</summary>
    public long Time { get; }

    /// <summary>TLS.expire: its lifetime in seconds (not an absolute time).</summary>
    public long Expire { get; }

    /// <summary>TLS.sig as written.</summary>
    public string Signature { get; }

    /// <summary>Whether it has expired at <paramref name="now"/>: from TLS.time plus TLS.expire on, it has.</summary>
    public bool IsExpiredAt(DateTimeOffset now)
    {
        // In 128 bits: a forged time or lifetime cannot wrap the sum round.
        return Expire < 0 || (Int128)now.ToUnixTimeSeconds() - Time >= Expire;
    }

    /// <summary>Whether TLS.sig is the HMAC-SHA256, under <paramref name="secretKey"/> (UTF-8 bytes as written), of the four lines.</summary>
    public bool IsSignedWith(byte[] secretKey)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"TLS.identifier:{Identifier}\nTLS.sdkappid:{SdkAppId}\nTLS.time:{Time}\nTLS.expire:{Expire}\n");
        var expected = HMACSHA256.HashData(secretKey, Encoding.UTF8.GetBytes(text));
        byte[] given;
        try
        {
            given = Convert.FromBase64String(Signature);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>Reads a UserSig; null when it is not one (bad Base64, not zlib, not the JSON of a version 2 signature).</summary>
    public static TlsSignatureV2? TryRead(string userSig)
    {
        byte[] compressed;
        try
        {
            compressed = Convert.FromBase64String(userSig.Replace('*', '+').Replace('-', '/').Replace('_', '='));
        }
        catch (FormatException)
        {
            return null;
        }
        var json = Inflate(compressed);
        if (json is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (!root.TryGetProperty("TLS.ver", out var ver) || ver.ValueKind != JsonValueKind.String || ver.GetString() != "2.0") return null;
            if (!root.TryGetProperty("TLS.identifier", out var identifier) || identifier.ValueKind != JsonValueKind.String) return null;
            if (!root.TryGetProperty("TLS.sig", out var sig) || sig.ValueKind != JsonValueKind.String) return null;
            if (!TryNumber(root, "TLS.sdkappid", out var appId) || !TryNumber(root, "TLS.time", out var time) || !TryNumber(root, "TLS.expire", out var expire)) return null;
            return new TlsSignatureV2(identifier.GetString()!, appId, time, expire, sig.GetString()!);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The document gives sdkappid, time and expire as JSON numbers.
    private static bool TryNumber(JsonElement root, string name, out long value)
    {
        value = 0;
        return root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value);
    }

    /// <summary>Undoes step 4: zlib (header, deflate, Adler-32 trailer); null when the bytes are not zlib.</summary>
    private static byte[]? Inflate(byte[] compressed)
    {
        try
        {
            using var input = new MemoryStream(compressed);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            while ((read = zlib.Read(buffer, 0, buffer.Length)) > 0)
            {
                output.Write(buffer, 0, read);
                if (output.Length > MaxJsonBytes) return null;
            }
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
