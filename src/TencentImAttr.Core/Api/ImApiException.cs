using System;

namespace TencentImAttr.Core.Api;

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
    /// <summary>Creates the exception; <paramref name="message"/> must already be free of secrets.</summary>
    public ImApiException(string apiName, ImFailureKind kind, int errorCode, string? errorInfo, int? httpStatus, bool isTransient, string message, Exception? inner = null)
        : base(message, inner)
    {
        ApiName = apiName;
        Kind = kind;
        ErrorCode = errorCode;
        ErrorInfo = errorInfo ?? "";
        HttpStatus = httpStatus;
        IsTransient = isTransient;
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

    /// <summary>Whether a retry after a pause can succeed.</summary>
    public bool IsTransient { get; }

    /// <summary>The stable error id that names this failure: <c>ImApiError90033</c>, <c>ImHttpError502</c>, <c>ImRequestTimeout</c>...</summary>
    public string ErrorId => Kind switch
    {
        ImFailureKind.Api => "ImApiError" + ErrorCode,
        ImFailureKind.Http => "ImHttpError" + HttpStatus,
        ImFailureKind.Transport => "ImConnectionFailed",
        ImFailureKind.Timeout => "ImRequestTimeout",
        ImFailureKind.ResponseTooLarge => "ImResponseTooLarge",
        _ => "ImMalformedResponse",
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

    /// <summary>An error the service reported in its envelope (or, for one user, in an ErrorList).</summary>
    public static ImApiException FromCode(string apiName, int code, string? info)
    {
        var meaning = ImErrorCodes.Meaning(code);
        var text = $"{apiName} failed with error {code}" + (meaning is null ? "" : $" ({meaning})") + (string.IsNullOrEmpty(info) ? "." : $": {Text.MessageText.Escape(info)}");
        if (ImErrorCodes.SuggestsWrongRegion(code))
        {
            text += " This usually means the app lives in another region: check -Region (or -BaseUri) on Connect-ImApp.";
        }
        return new ImApiException(apiName, ImFailureKind.Api, code, info, 200, ImErrorCodes.IsTransient(code), text);
    }
}
