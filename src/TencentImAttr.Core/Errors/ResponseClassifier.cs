namespace TencentImAttr.Core.Errors;

/// <summary>
/// Decides which failures a retry can cure, for whole calls and for the users of an ErrorList: the one home of that
/// rule (in the manner of Azure.Core's ResponseClassifier beside its RetryPolicy). Every operation is idempotent, so a
/// malformed answer, a reset or a timeout is worth another attempt even when the service may have applied the call.
/// </summary>
internal static class ResponseClassifier
{
    /// <summary>Whether a failed call may succeed if sent again after a pause.</summary>
    public static bool IsTransient(ImApiException failure) => !failure.IsFinal && failure.Kind switch
    {
        ImFailureKind.Api => IsTransientCode(failure.ErrorCode),
        ImFailureKind.Http => IsTransientStatus(failure.HttpStatus ?? 0),
        // A closed (disposed) connection stays closed; any other transport failure may be gone on the next try.
        ImFailureKind.Transport => failure.InnerException is not System.ObjectDisposedException,
        // A server that answers beyond the size cap once will do it again.
        ImFailureKind.ResponseTooLarge => false,
        _ => true,
    };

    /// <summary>Whether a service error code (of a call, or of one user in an ErrorList) is worth a retry.</summary>
    public static bool IsTransientCode(int code) => ImErrorCodes.IsDocumentedTransient(code);

    /// <summary>
    /// Whether the failure says the calls came too fast (the service's rate-limit codes, HTTP 429): the only failures
    /// that say something about pace, so the only ones worth a long backoff.
    /// </summary>
    public static bool IsRateLimited(ImApiException failure) =>
        failure.Category == ImErrorCategory.QuotaExceeded;

    /// <summary>Whether a service error code (of a call, or of one user in an ErrorList) is a rate limit.</summary>
    public static bool IsRateLimitCode(int code) => ImErrorCodes.Category(code) == ImErrorCategory.QuotaExceeded;

    /// <summary>HTTP 408, 429 and every 5xx.</summary>
    public static bool IsTransientStatus(int status) => status == 408 || status == 429 || status >= 500;

    /// <summary>Whether the answer asks for a new UserSig (expired, invalidated): one renewal, then the call again.</summary>
    public static bool NeedsNewUserSig(ImApiException failure) =>
        failure.Kind == ImFailureKind.Api && (failure.ErrorCode == ImErrorCodes.UserSigExpired || failure.ErrorCode == ImErrorCodes.UserSigInvalidated);

    /// <summary>Whether the failure is 90033 (an unregistered attribute name): permanent, but the sender can narrow it to the users at fault.</summary>
    public static bool IsUnregisteredAttribute(ImApiException failure) =>
        failure.Kind == ImFailureKind.Api && failure.ErrorCode == ImErrorCodes.UnregisteredAttribute;
}
