using System;
using System.Management.Automation;
using TencentImAttr.Core.Errors;

namespace TencentImAttr;

/// <summary>
/// The one way the module makes an ErrorRecord from its exceptions: the stable id, the category, the target, and
/// ErrorDetails.RecommendedAction where the module knows what to do (the same sentence the message ends with), so that
/// a script or a log reads the advice without parsing the message.
/// </summary>
internal static class ErrorRecords
{
    /// <summary>The record for <paramref name="exception"/>.</summary>
    public static ErrorRecord Of(Exception exception, string errorId, ErrorCategory category, object? target)
    {
        var record = new ErrorRecord(exception, errorId, category, target);
        var action = exception switch
        {
            ImApiException api => api.RecommendedAction,
            ImRunStoppedException stop => stop.RecommendedAction,
            _ => null,
        };
        if (!string.IsNullOrEmpty(action)) record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = action };
        return record;
    }
}
