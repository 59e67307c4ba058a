namespace TencentImAttr.Core.Api;

/// <summary>
/// The PowerShell error categories the module reports, with the same names and numbers as
/// <c>System.Management.Automation.ErrorCategory</c>, so the cmdlets cast instead of mapping
/// (a test holds the two enums together).
/// </summary>
public enum ImErrorCategory
{
    /// <summary>NotSpecified.</summary>
    NotSpecified = 0,
    /// <summary>InvalidArgument.</summary>
    InvalidArgument = 5,
    /// <summary>InvalidData.</summary>
    InvalidData = 6,
    /// <summary>InvalidOperation.</summary>
    InvalidOperation = 7,
    /// <summary>InvalidResult.</summary>
    InvalidResult = 8,
    /// <summary>InvalidType.</summary>
    InvalidType = 9,
    /// <summary>ObjectNotFound.</summary>
    ObjectNotFound = 13,
    /// <summary>OperationStopped.</summary>
    OperationStopped = 14,
    /// <summary>OperationTimeout.</summary>
    OperationTimeout = 15,
    /// <summary>PermissionDenied.</summary>
    PermissionDenied = 18,
    /// <summary>ResourceBusy.</summary>
    ResourceBusy = 19,
    /// <summary>ResourceUnavailable.</summary>
    ResourceUnavailable = 21,
    /// <summary>ReadError.</summary>
    ReadError = 22,
    /// <summary>SecurityError.</summary>
    SecurityError = 25,
    /// <summary>ProtocolError.</summary>
    ProtocolError = 26,
    /// <summary>ConnectionError.</summary>
    ConnectionError = 27,
    /// <summary>AuthenticationError.</summary>
    AuthenticationError = 28,
    /// <summary>LimitsExceeded.</summary>
    LimitsExceeded = 29,
    /// <summary>QuotaExceeded.</summary>
    QuotaExceeded = 30,
    /// <summary>NotEnabled.</summary>
    NotEnabled = 31,
}
