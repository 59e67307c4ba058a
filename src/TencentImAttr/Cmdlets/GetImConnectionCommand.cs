using System;
using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Connection;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Shows the connection the cmdlets would use: the session's, else the one from the TENCENTIM_* environment
/// variables. It shows the app, the administrator, the endpoint and when the UserSig expires; never the key or the sig.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ImConnection")]
[OutputType(typeof(ImConnection))]
public sealed class GetImConnectionCommand : PSCmdlet
{
    /// <summary>Writes the connection in force, or nothing when there is none and no TENCENTIM_* variable is set.</summary>
    protected override void EndProcessing()
    {
        try
        {
            WriteObject(ImSession.Resolve(null));
        }
        catch (InvalidOperationException e)
        {
            if (ImSession.Variables.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))))
            {
                WriteError(new ErrorRecord(e, "NotConnected", ErrorCategory.AuthenticationError, null));
            }
        }
    }
}
