namespace TencentImAttr.Emulator;

/// <summary>
/// A failed call as the service reports it: HTTP 200, <c>ActionStatus</c> FAIL, a code and a text.
/// Thrown from deep in the request checks so that each check can stop the call in one line.
/// </summary>
internal sealed class ApiError : Exception
{
    /// <summary>Creates the error.</summary>
    public ApiError(int code, string info)
        : base($"{code}: {info}")
    {
        Code = code;
        Info = info;
    }

    /// <summary>The ErrorCode.</summary>
    public int Code { get; }

    /// <summary>The ErrorInfo.</summary>
    public string Info { get; }
}

/// <summary>The codes the emulator answers with; their meanings are in shared/API.md and the core's ImErrorCodes.</summary>
internal static class EmulatorCodes
{
    /// <summary>The request URL (query string) could not be parsed: here, a bad <c>random</c> or <c>contenttype</c>.</summary>
    public const int BadUrl = 60002;
    /// <summary>The SDKAppID in the query is not a number.</summary>
    public const int SdkAppIdInvalid = 60006;
    /// <summary>
    /// Rate limited. The documentation lists 60007, 60011, 60018 and 60019 as rate limits; 60007 is the REST API
    /// call-frequency one, which is what a per-API quota is.
    /// </summary>
    public const int RateLimited = 60007;
    /// <summary>The SDKAppID is missing from the query.</summary>
    public const int SdkAppIdMissing = 60012;
    /// <summary>The UserSig has expired.</summary>
    public const int UserSigExpired = 70001;
    /// <summary>The UserSig is empty.</summary>
    public const int UserSigEmpty = 70002;
    /// <summary>The UserSig could not be decoded.</summary>
    public const int UserSigInvalid = 70003;
    /// <summary>The UserSig's signature does not verify with the app's key.</summary>
    public const int UserSigBadSignature = 70005;
    /// <summary>The UserSig's identifier is not the query's.</summary>
    public const int UserSigIdentifierMismatch = 70013;
    /// <summary>The UserSig's SDKAppID is not the query's.</summary>
    public const int UserSigAppMismatch = 70014;
    /// <summary>The SDKAppID is not this emulator's app (on the real service: usually the wrong region).</summary>
    public const int SdkAppIdNotFound = 70020;
    /// <summary>The account does not exist (Push family, per user).</summary>
    public const int AccountNotFound = 70107;
    /// <summary>The body is not the JSON the API expects.</summary>
    public const int BadJson = 90001;
    /// <summary>The caller is not the App administrator.</summary>
    public const int NeedsAdmin = 90009;
    /// <summary>More than 100 accounts in one call.</summary>
    public const int TooManyAccounts = 90018;
    /// <summary>An attribute name that is not registered, or a value or name the limits refuse.</summary>
    public const int InvalidAttribute = 90033;
    /// <summary>An attribute was used with the account type it is not registered for (Push family, per user).</summary>
    public const int WrongAccountType = 90035;
    /// <summary>Internal error; retry.</summary>
    public const int InternalError = 91000;
}
