using System;
using System.Text;
using System.Text.Json;

namespace TencentImAttr.Core.Auth;

/// <summary>The readable fields of a UserSig: who it is for, when it was made and when it expires.</summary>
internal sealed class UserSigInfo
{
    private UserSigInfo(string identifier, long sdkAppId, long time, long expire, string signature)
    {
        Identifier = identifier;
        SdkAppId = sdkAppId;
        IssuedAt = DateTimeOffset.FromUnixTimeSeconds(time);
        Lifetime = TimeSpan.FromSeconds(expire);
        // A lifetime that runs past the year 9999 is as good as forever.
        ExpiresAt = DateTimeOffset.MaxValue - IssuedAt < Lifetime ? DateTimeOffset.MaxValue : IssuedAt + Lifetime;
        Signature = signature;
    }

    /// <summary>The administrator account.</summary>
    public string Identifier { get; }
    /// <summary>The app.</summary>
    public long SdkAppId { get; }
    /// <summary>When the signature was made.</summary>
    public DateTimeOffset IssuedAt { get; }
    /// <summary>How long it is valid.</summary>
    public TimeSpan Lifetime { get; }
    /// <summary>When it stops being valid.</summary>
    public DateTimeOffset ExpiresAt { get; }
    internal string Signature { get; }

    /// <summary>Whether the signature was made with <paramref name="secretKey"/> (constant-time comparison).</summary>
    public bool IsSignedWith(byte[] secretKey)
    {
        var expected = Encoding.ASCII.GetBytes(UserSigGenerator.ComputeSignature(SdkAppId, Identifier, secretKey, IssuedAt.ToUnixTimeSeconds(), (long)Lifetime.TotalSeconds));
        var actual = Encoding.ASCII.GetBytes(Signature);
        if (expected.Length != actual.Length) return false;
        var diff = 0;
        for (var i = 0; i < expected.Length; i++) diff |= expected[i] ^ actual[i];
        return diff == 0;
    }

    /// <summary>Reads a UserSig; false when it is not a well-formed version 2 signature.</summary>
    public static bool TryParse(string? userSig, out UserSigInfo? info)
    {
        info = null;
        if (string.IsNullOrEmpty(userSig)) return false;
        try
        {
            var json = UserSigGenerator.ZlibDecompress(Convert.FromBase64String(UserSigGenerator.FromUrlSafe(userSig!)));
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            info = new UserSigInfo(
                root.GetProperty("TLS.identifier").GetString() ?? "",
                root.GetProperty("TLS.sdkappid").GetInt64(),
                root.GetProperty("TLS.time").GetInt64(),
                root.GetProperty("TLS.expire").GetInt64(),
                root.GetProperty("TLS.sig").GetString() ?? "");
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or System.IO.InvalidDataException or InvalidOperationException or System.Collections.Generic.KeyNotFoundException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>A summary without the signature itself.</summary>
    public override string ToString() => $"UserSig for {Identifier} in app {SdkAppId}, expires {ExpiresAt:u}";
}
