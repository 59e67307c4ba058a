using System.Collections.Generic;

namespace TencentImAttr.Core.Errors;

/// <summary>What the module knows about each documented error code: its meaning, whether a retry can help, its category.</summary>
internal static class ImErrorCodes
{
    private static readonly Dictionary<int, (string Meaning, bool Transient, ImErrorCategory Category)> Known = new()
    {
        [60002] = ("the request URL could not be parsed", false, ImErrorCategory.InvalidData),
        [60003] = ("the request JSON could not be parsed", false, ImErrorCategory.InvalidData),
        [60004] = ("the identifier or signature is wrong", false, ImErrorCategory.AuthenticationError),
        [60005] = ("the identifier or signature is wrong", false, ImErrorCategory.AuthenticationError),
        [60006] = ("the SDKAppID is invalid", false, ImErrorCategory.InvalidArgument),
        [60007] = ("rate limited", true, ImErrorCategory.QuotaExceeded),
        [60008] = ("the service timed out", true, ImErrorCategory.OperationTimeout),
        [60010] = ("the request needs an App administrator", false, ImErrorCategory.PermissionDenied),
        [60011] = ("rate limited", true, ImErrorCategory.QuotaExceeded),
        [60012] = ("the SDKAppID is missing", false, ImErrorCategory.InvalidArgument),
        [60014] = ("the account exchange timed out", true, ImErrorCategory.OperationTimeout),
        [60016] = ("the app is disabled", false, ImErrorCategory.NotEnabled),
        [60017] = ("the request is disabled", false, ImErrorCategory.NotEnabled),
        [60018] = ("rate limited", true, ImErrorCategory.QuotaExceeded),
        [60019] = ("rate limited", true, ImErrorCategory.QuotaExceeded),
        [60020] = ("the plan has expired", false, ImErrorCategory.NotEnabled),
        [60021] = ("this IP address is not allowed", false, ImErrorCategory.PermissionDenied),
        [70001] = ("the UserSig has expired", false, ImErrorCategory.AuthenticationError),
        [70002] = ("the UserSig is empty", false, ImErrorCategory.AuthenticationError),
        [70003] = ("the UserSig is truncated or invalid", false, ImErrorCategory.AuthenticationError),
        [70005] = ("the UserSig failed verification", false, ImErrorCategory.AuthenticationError),
        [70009] = ("the UserSig was made with another app's key", false, ImErrorCategory.AuthenticationError),
        [70013] = ("the UserSig's identifier does not match", false, ImErrorCategory.AuthenticationError),
        [70014] = ("the UserSig's SDKAppID does not match", false, ImErrorCategory.AuthenticationError),
        [70016] = ("no key was found for this SDKAppID", false, ImErrorCategory.AuthenticationError),
        [70020] = ("the SDKAppID was not found", false, ImErrorCategory.AuthenticationError),
        [70050] = ("too many UserSig failures: wait a minute", false, ImErrorCategory.AuthenticationError),
        [70052] = ("the UserSig was invalidated", false, ImErrorCategory.AuthenticationError),
        [70107] = ("the account does not exist", false, ImErrorCategory.ObjectNotFound),
        [70169] = ("internal timeout", true, ImErrorCategory.ResourceUnavailable),
        [70500] = ("internal server error", true, ImErrorCategory.ResourceUnavailable),
        [90001] = ("the JSON request could not be parsed", false, ImErrorCategory.InvalidData),
        [90009] = ("the request needs App administrator permissions", false, ImErrorCategory.PermissionDenied),
        [90018] = ("too many accounts in one request", false, ImErrorCategory.LimitsExceeded),
        [90033] = ("invalid attribute: is the name registered with Set-ImAppAttributeName?", false, ImErrorCategory.InvalidArgument),
        [90035] = ("an attribute can apply to one account type only", false, ImErrorCategory.InvalidArgument),
        // The Push service's error-code page (trtc.io/document/74196): "Push notification feature for all
        // users/Tag/single push is not enabled".
        [90045] = ("the push feature is not enabled for the app", false, ImErrorCategory.NotEnabled),
        [90994] = ("internal error", true, ImErrorCategory.ResourceUnavailable),
        [90995] = ("internal error", true, ImErrorCategory.ResourceUnavailable),
        [91000] = ("internal service error", true, ImErrorCategory.ResourceUnavailable),
    };

    /// <summary>Whether the documentation marks the code as worth a retry; <see cref="ResponseClassifier"/> is the one reader.</summary>
    internal static bool IsDocumentedTransient(int code) => Known.TryGetValue(code, out var info) && info.Transient;

    /// <summary>The codes that mean the UserSig must be made anew (expired, invalidated).</summary>
    internal const int UserSigExpired = 70001, UserSigInvalidated = 70052;

    /// <summary>An attribute name the app has not registered: the one permanent error the sender narrows down.</summary>
    internal const int UnregisteredAttribute = 90033;

    private const string Region = "This usually means the app lives in another region: check -Region (or -BaseUri) and -SdkAppId on Connect-ImApp.";
    private const string NewUserSig = "Connect again with a new UserSig (from the Chat console's UserSig tool or Tencent's tls-sig-api-v2), or connect with -SecretKey so that the module makes and renews it.";
    private const string WrongKey = "Check the secret key (-SecretKey, the console's Key of this SDKAppID) and -Identifier, then connect again.";
    private const string Administrator = "The identifier must be an App administrator: connect with -Identifier set to an account listed under App administrators in the Chat console.";

    /// <summary>What the caller should do about each code that a change of settings can cure.</summary>
    private static readonly Dictionary<int, string> Fixes = new()
    {
        [60004] = WrongKey,
        [60005] = WrongKey,
        [60006] = "Check -SdkAppId (the number shown in the Chat console) and -Region.",
        [60010] = Administrator,
        [60016] = "The app is disabled: enable it in the Chat console.",
        [60017] = "This request is disabled for the app: enable the feature in the Chat console.",
        [60020] = "The app's plan has expired: renew it (or upgrade it) in the Chat console, then run the command again.",
        [60021] = "This machine's IP address is not on the app's allow list: add it in the Chat console, or run from an allowed address.",
        [70001] = NewUserSig,
        [70002] = NewUserSig,
        [70003] = NewUserSig,
        [70005] = WrongKey,
        [70009] = WrongKey,
        [70013] = "The UserSig was made for another identifier: connect with the identifier it was made for, or with -SecretKey.",
        [70014] = "The UserSig was made for another SDKAppID: connect with the app it was made for, or with -SecretKey.",
        [70016] = Region,
        [70020] = Region,
        [70050] = "Wait a minute before connecting again, and check the secret key and identifier first.",
        [70052] = NewUserSig,
        [90009] = Administrator,
        [90045] = "Enable the Push service's push to all users and tag push for the app in the Chat console (Push service: activate, then enable the feature), then run the command again.",
    };

    /// <summary>The sentence that says what to do about the code, or null when the message has nothing to add (90033 carries its own).</summary>
    internal static string? Fix(int code) => Fixes.TryGetValue(code, out var fix) ? fix : null;

    /// <summary>A short meaning of the code, or null for a code the documentation does not name.</summary>
    internal static string? Meaning(int code) => Known.TryGetValue(code, out var info) ? info.Meaning : null;

    /// <summary>The error category that fits the code.</summary>
    internal static ImErrorCategory Category(int code) => Known.TryGetValue(code, out var info) ? info.Category : ImErrorCategory.NotSpecified;
}
