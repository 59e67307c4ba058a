using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TencentImAttr.Core.Auth;

/// <summary>Makes an administrator's UserSig (TLS signature version 2) from the app's secret key.</summary>
internal static class UserSigGenerator
{
    /// <summary>Makes a UserSig valid from <paramref name="issuedAt"/> for <paramref name="lifetime"/>.</summary>
    /// <param name="sdkAppId">The app's SDKAppID.</param>
    /// <param name="identifier">The administrator account the signature is for.</param>
    /// <param name="secretKey">The UTF-8 bytes of the app's secret key, as written in the console.</param>
    /// <param name="issuedAt">The signing time (<c>TLS.time</c>).</param>
    /// <param name="lifetime">How long the signature stays valid (<c>TLS.expire</c>, whole seconds).</param>
    public static string Generate(long sdkAppId, string identifier, byte[] secretKey, DateTimeOffset issuedAt, TimeSpan lifetime)
    {
        if (identifier is null) throw new ArgumentNullException(nameof(identifier));
        if (secretKey is null || secretKey.Length == 0) throw new ArgumentException("The secret key is empty.", nameof(secretKey));
        if (lifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(lifetime), "The lifetime must be positive.");

        var time = issuedAt.ToUnixTimeSeconds();
        var expire = (long)lifetime.TotalSeconds;
        var sig = ComputeSignature(sdkAppId, identifier, secretKey, time, expire);

        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteString("TLS.ver", "2.0");
            writer.WriteString("TLS.identifier", identifier);
            writer.WriteNumber("TLS.sdkappid", sdkAppId);
            writer.WriteNumber("TLS.expire", expire);
            writer.WriteNumber("TLS.time", time);
            writer.WriteString("TLS.sig", sig);
            writer.WriteEndObject();
        }
        return ToUrlSafe(Convert.ToBase64String(ZlibCompress(json.ToArray())));
    }

    /// <summary>The <c>TLS.sig</c> field: Base64 of HMAC-SHA256 over the four documented lines.</summary>
    public static string ComputeSignature(long sdkAppId, string identifier, byte[] secretKey, long time, long expire)
    {
        var text = "TLS.identifier:" + identifier + "\n"
            + "TLS.sdkappid:" + sdkAppId.ToString(CultureInfo.InvariantCulture) + "\n"
            + "TLS.time:" + time.ToString(CultureInfo.InvariantCulture) + "\n"
            + "TLS.expire:" + expire.ToString(CultureInfo.InvariantCulture) + "\n";
        using var hmac = new HMACSHA256(secretKey);
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(text)));
    }

    // netstandard2.0 has no ZLibStream (and Windows PowerShell runs on .NET Framework), so the RFC 1950
    // header and Adler-32 trailer around the raw deflate data are written by hand, on every runtime alike.
    internal static byte[] ZlibCompress(byte[] data)
    {
        using var output = new MemoryStream();
        output.WriteByte(0x78);
        output.WriteByte(0x9C);
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data, 0, data.Length);
        }
        var adler = Adler32(data);
        output.WriteByte((byte)(adler >> 24));
        output.WriteByte((byte)(adler >> 16));
        output.WriteByte((byte)(adler >> 8));
        output.WriteByte((byte)adler);
        return output.ToArray();
    }

    internal static byte[] ZlibDecompress(byte[] data)
    {
        if (data.Length < 6 || (data[0] & 0x0F) != 8 || ((data[0] << 8) | data[1]) % 31 != 0)
        {
            throw new InvalidDataException("Not zlib data.");
        }
        using var input = new MemoryStream(data, 2, data.Length - 6);
        using var inflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflate.CopyTo(output);
        var result = output.ToArray();
        var expected = (uint)(data[data.Length - 4] << 24 | data[data.Length - 3] << 16 | data[data.Length - 2] << 8 | data[data.Length - 1]);
        if (Adler32(result) != expected)
        {
            throw new InvalidDataException("The zlib checksum does not match.");
        }
        return result;
    }

    internal static uint Adler32(byte[] data)
    {
        const uint Mod = 65521;
        uint a = 1, b = 0;
        foreach (var x in data)
        {
            a = (a + x) % Mod;
            b = (b + a) % Mod;
        }
        return (b << 16) | a;
    }

    internal static string ToUrlSafe(string base64) => base64.Replace('+', '*').Replace('/', '-').Replace('=', '_');

    internal static string FromUrlSafe(string sig) => sig.Replace('*', '+').Replace('-', '/').Replace('_', '=');
}
