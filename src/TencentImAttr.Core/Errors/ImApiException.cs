using System;

namespace TencentImAttr.Core.Errors;

/// <summary>What went wrong with a call, beyond the code the service returned.</summary>
public enum ImFailureKind
{
    /// <summary>The service answered with an error code.</summary>
    Api,
    /// <summary>The HTTP status was not 200 (a gateway or network error).</summary>
    Http,
    /// <summary>The connection failed or was reset.</summary>
    Transport,
    /// <summary>No answer came within the per-call timeout.</summary>
    Timeout,
    /// <summary>The body was empty, HTML, truncated or of the wrong shape.</summary>
    MalformedResponse,
    /// <summary>The answer was larger than any legitimate one; reading stopped at the cap.</summary>
    ResponseTooLarge,
}

/// <summary>A failed call to the Tencent Cloud IM REST API. Its message never carries the UserSig or the secret key.</summary>
[Serializable]
public sealed class ImApiException : Exception
{
    /// <summary>
    /// Creates the exception; <paramref name="message"/> must already be free of secrets, and so must
    /// <paramref name="inner"/> (handlers may put the request URI, UserSig and all, in their messages: keep none of theirs).
    /// </summary>
    internal ImApiException(string apiName, ImFailureKind kind, int errorCode, string? errorInfo, int? httpStatus, string message, Exception? inner = null)
        : base(message, inner)
    {
        ApiName = apiName;
        Kind = kind;
        ErrorCode = errorCode;
        ErrorInfo = errorInfo ?? "";
        HttpStatus = httpStatus;
    }

    /// <summary>The API called, e.g. <c>im_set_attr</c>.</summary>
    public string ApiName { get; }

    /// <summary>What kind of failure this is.</summary>
    public ImFailureKind Kind { get; }

    /// <summary>The service's ErrorCode, or 0 where the failure happened before the service answered.</summary>
    public int ErrorCode { get; }

    /// <summary>The service's ErrorInfo, or an empty string.</summary>
    public string ErrorInfo { get; }

    /// <summary>The HTTP status, where one was received.</summary>
    public int? HttpStatus { get; }

    /// <summary>Whether a retry after a pause can succeed (<see cref="ResponseClassifier"/> decides).</summary>
    public bool IsTransient => ResponseClassifier.IsTransient(this);

    /// <summary>Set where an answer was read and settled this failure (one user's entry in a get answer): never retried.</summary>
    internal bool IsFinal { get; set; }

    /// <summary>Set on the failure of one user named in an ErrorList: it says nothing about the connection.</summary>
    internal bool IsPerUser { get; set; }

    /// <summary>
    /// Set where the failure would strike every user of the run alike though the connection's settings may be right
    /// (an empty answer to the sync's read of the app's names): the run stops on it, as on a connection-level failure.
    /// </summary>
    internal bool StopsRun { get; set; }

    /// <summary>What to do about the failure, when the module knows (the sentence the message ends with): PowerShell's ErrorDetails.RecommendedAction.</summary>
    internal string? RecommendedAction { get; set; }

    /// <summary>For a transport failure, what the exception chain said about its cause (read before the chain was dropped).</summary>
    internal TransportFault TransportFault { get; set; }

    /// <summary>The wait the server asked for (Retry-After on a 429 or 503), before any cap; null when it asked none.</summary>
    internal TimeSpan? RetryAfter { get; set; }

    /// <summary>The stable error id that names this failure: <c>ImApiError90033</c>, <c>ImHttpError502</c>, <c>ImRequestTimeout</c>...</summary>
    public string ErrorId => Kind switch
    {
        ImFailureKind.Api => ErrorIds.ApiErrorPrefix + ErrorCode,
        ImFailureKind.Http => ErrorIds.HttpErrorPrefix + HttpStatus,
        ImFailureKind.Transport when TransportFault == TransportFault.JournalWrite => ErrorIds.JournalWriteFailed,
        ImFailureKind.Transport => ErrorIds.ConnectionFailed,
        ImFailureKind.Timeout => ErrorIds.RequestTimeout,
        ImFailureKind.ResponseTooLarge => ErrorIds.ResponseTooLarge,
        _ => ErrorIds.MalformedResponse,
    };

    /// <summary>The PowerShell error category that fits.</summary>
    public ImErrorCategory Category => Kind switch
    {
        ImFailureKind.Api => ImErrorCodes.Category(ErrorCode),
        ImFailureKind.Http when HttpStatus == 429 => ImErrorCategory.QuotaExceeded,
        ImFailureKind.Http when HttpStatus is 401 or 403 => ImErrorCategory.PermissionDenied,
        ImFailureKind.Http => ImErrorCategory.ResourceUnavailable,
        ImFailureKind.Transport => ImErrorCategory.ConnectionError,
        ImFailureKind.Timeout => ImErrorCategory.OperationTimeout,
        ImFailureKind.ResponseTooLarge => ImErrorCategory.LimitsExceeded,
        _ => ImErrorCategory.ProtocolError,
    };

    /// <summary>The same failure with the number of attempts it took in its message.</summary>
    internal ImApiException AfterAttempts(int attempts) =>
        new(ApiName, Kind, ErrorCode, ErrorInfo, HttpStatus, Message + $" (after {attempts} attempts)", InnerException) { RetryAfter = RetryAfter, IsFinal = IsFinal, TransportFault = TransportFault, IsPerUser = IsPerUser, StopsRun = StopsRun, RecommendedAction = RecommendedAction };

    /// <summary>The same failure with <paramref name="note"/> after its message (what became of the rest of the item).</summary>
    internal ImApiException WithNote(string note) =>
        new(ApiName, Kind, ErrorCode, ErrorInfo, HttpStatus, Text.MessageText.Sentence(Message) + " " + note, InnerException) { RetryAfter = RetryAfter, IsFinal = IsFinal, TransportFault = TransportFault, IsPerUser = IsPerUser, StopsRun = StopsRun, RecommendedAction = RecommendedAction };

    /// <summary>The same failure with <paramref name="context"/> put before its message (what the call was for).</summary>
    internal ImApiException WithContext(string context) =>
        new(ApiName, Kind, ErrorCode, ErrorInfo, HttpStatus, context + Message, InnerException) { RetryAfter = RetryAfter, IsFinal = IsFinal, TransportFault = TransportFault, IsPerUser = IsPerUser, StopsRun = StopsRun, RecommendedAction = RecommendedAction };

    /// <summary>An error the service reported in its envelope (or, for one user, in an ErrorList): what it means and what to do.</summary>
    internal static ImApiException FromCode(string apiName, int code, string? info)
    {
        var meaning = ImErrorCodes.Meaning(code);
        var text = $"{apiName} failed with error {code}" + (meaning is null ? "" : $" ({meaning})") + (string.IsNullOrEmpty(info) ? "." : ": " + Text.MessageText.Sentence(Text.MessageText.Escape(info)));
        if (ImErrorCodes.Fix(code) is { } fix)
        {
            text += " " + fix;
        }
        return new ImApiException(apiName, ImFailureKind.Api, code, info, 200, text) { RecommendedAction = ImErrorCodes.Fix(code) };
    }
}
