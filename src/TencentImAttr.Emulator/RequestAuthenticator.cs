using System.Globalization;
using System.Text;

namespace TencentImAttr.Emulator;

/// <summary>
/// Checks the query string every call carries: <c>random</c>, <c>contenttype</c>, <c>sdkappid</c>, the administrator's
/// UserSig and <c>identifier</c>. Each broken rule has its own documented code, so a client's error handling can be
/// tested case by case. Names are case-sensitive, as on the real service.
/// </summary>
internal sealed class RequestAuthenticator
{
    private readonly long _sdkAppId;
    private readonly string _admin;
    private readonly byte[] _key;
    private readonly IEmulatorClock _clock;
    private readonly string? _staticUserSig;

    /// <summary>Creates the checker for the app in <paramref name="options"/>.</summary>
    public RequestAuthenticator(EmulatorOptions options, IEmulatorClock clock)
    {
        _sdkAppId = options.SdkAppId;
        _admin = options.Admin;
        _key = Encoding.UTF8.GetBytes(options.SecretKey);
        _clock = clock;
        _staticUserSig = options.StaticUserSig;
    }

    /// <summary>Throws the <see cref="ApiError"/> for the first rule the query breaks; returns when the caller may proceed.</summary>
    public void Check(IReadOnlyDictionary<string, string> query)
    {
        var random = Get(query, "random");
        if (random is null || !uint.TryParse(random, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ApiError(EmulatorCodes.BadUrl, random is null
                ? "the query has no random parameter"
                : $"random '{random}' is not an unsigned 32-bit integer (0 to 4294967295)");
        }
        var contentType = Get(query, "contenttype");
        if (contentType != "json")
        {
            throw new ApiError(EmulatorCodes.BadUrl, contentType is null ? "the query has no contenttype parameter (it must be json)" : $"contenttype '{contentType}' is not supported: it must be json");
        }

        var appText = Get(query, "sdkappid");
        if (string.IsNullOrEmpty(appText)) throw new ApiError(EmulatorCodes.SdkAppIdMissing, "the query has no sdkappid");
        if (!long.TryParse(appText, NumberStyles.None, CultureInfo.InvariantCulture, out var appId))
        {
            throw new ApiError(EmulatorCodes.SdkAppIdInvalid, $"sdkappid '{appText}' is not a number");
        }
        if (appId != _sdkAppId)
        {
            throw new ApiError(EmulatorCodes.SdkAppIdNotFound, $"sdkappid {appId} is not found (this emulator serves {_sdkAppId})");
        }

        var sig = Get(query, "usersig");
        if (string.IsNullOrEmpty(sig)) throw new ApiError(EmulatorCodes.UserSigEmpty, "the usersig is empty");
        if (_staticUserSig is not null && string.Equals(sig, _staticUserSig, StringComparison.Ordinal))
        {
            // The ready-made token stands for the administrator; it names no identifier of its own to compare.
            CheckAdmin(Get(query, "identifier") ?? "");
            return;
        }
        var info = Parse(sig);
        if (info.SdkAppId != appId)
        {
            throw new ApiError(EmulatorCodes.UserSigAppMismatch, $"the usersig was made for sdkappid {info.SdkAppId}, the query names {appId}");
        }
        var identifier = Get(query, "identifier") ?? "";
        if (!string.Equals(info.Identifier, identifier, StringComparison.Ordinal))
        {
            throw new ApiError(EmulatorCodes.UserSigIdentifierMismatch, $"the usersig was made for identifier '{info.Identifier}', the query names '{identifier}'");
        }
        if (!info.IsSignedWith(_key))
        {
            throw new ApiError(EmulatorCodes.UserSigBadSignature, "the usersig failed verification: it was not signed with this app's secret key");
        }
        if (info.IsExpiredAt(_clock.UtcNow))
        {
            throw new ApiError(EmulatorCodes.UserSigExpired, "the usersig has expired");
        }
        CheckAdmin(identifier);
    }

    private void CheckAdmin(string identifier)
    {
        if (!string.Equals(identifier, _admin, StringComparison.Ordinal))
        {
            throw new ApiError(EmulatorCodes.NeedsAdmin, $"identifier '{identifier}' is not an App administrator (this emulator's is '{_admin}')");
        }
    }

    private static TlsSignatureV2 Parse(string sig) =>
        TlsSignatureV2.TryRead(sig) ?? throw new ApiError(EmulatorCodes.UserSigInvalid, "the usersig could not be decoded (truncated, or not a version 2 UserSig)");

    private static string? Get(IReadOnlyDictionary<string, string> query, string name) =>
        query.TryGetValue(name, out var value) ? value : null;
}
