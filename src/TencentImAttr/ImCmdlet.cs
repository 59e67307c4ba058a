using System;
using System.Management.Automation;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;

namespace TencentImAttr;

/// <summary>What every cmdlet of the module shares: the -Connection parameter and the way errors are written.</summary>
public abstract class ImCmdlet : PSCmdlet
{
    #region Parameters

    /// <summary>
    /// The connection to use, from Connect-ImApp -PassThru or Get-ImConnection. Without it the
    /// session's connection (Connect-ImApp) is used, else one made from the TENCENTIM_* environment variables.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public ImConnection? Connection { get; set; }

    #endregion

    #region Helpers

    /// <summary>The connection in force: -Connection, the session's, or the environment's; a terminating error when none.</summary>
    protected ImConnection ResolveConnection()
    {
        try
        {
            return ImSession.Resolve(Connection);
        }
        catch (InvalidOperationException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "NotConnected", ErrorCategory.AuthenticationError, null));
            throw; // ThrowTerminatingError does not return.
        }
    }

    /// <summary>The error record for a failed item: the exception, the stable id, the category and the user as target.</summary>
    internal static ErrorRecord ToErrorRecord(ItemFailure failure) =>
        new(failure.Exception, failure.ErrorId, (ErrorCategory)(int)failure.Category, failure.TargetObject);

    /// <summary>Removes PowerShell's wrapper from a value, so that the core sees plain .NET objects.</summary>
    internal static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

    #endregion
}
