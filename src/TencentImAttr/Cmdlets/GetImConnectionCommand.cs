using System;
using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Shows the connection the cmdlets would use: the session's, else the one from the TENCENTIM_* environment
/// variables. It shows the app, the administrator, the endpoint and when the UserSig expires; never the key or the sig.
/// </summary>
/// <remarks>
/// It writes nothing when there is no connection and no TENCENTIM_* variable is set; when some are set but do not
/// make a valid connection, it writes a NotConnected error that says what is missing.
/// </remarks>
/// <example>
/// Show the session's connection
/// <code>
/// Connect-ImApp 1400000000 administrator -SecretKey $key
/// Get-ImConnection
/// </code>
/// Shows the app, the administrator, the region or base URI, the API family, how the connection authenticates and
/// when the current UserSig expires.
/// </example>
/// <example>
/// Check the connection made from environment variables
/// <code>
/// $env:TENCENTIM_SDKAPPID = '1400000000'
/// $env:TENCENTIM_IDENTIFIER = 'administrator'
/// $env:TENCENTIM_SECRETKEY = $secretFromVault
/// Get-ImConnection | Format-List *
/// </code>
/// Without Connect-ImApp, the cmdlets use the TENCENTIM_* variables; Get-ImConnection shows what they make, all
/// properties listed, before any call is sent.
/// </example>
[Cmdlet(VerbsCommon.Get, "ImConnection", HelpUri = HelpLinks.CmdletPages + "Get-ImConnection.md")]
[OutputType(typeof(ImConnection))]
public sealed class GetImConnectionCommand : PSCmdlet
{
    /// <summary>Writes the connection in force, or nothing when there is none and no TENCENTIM_* variable is set.</summary>
    protected override void EndProcessing()
    {
        try
        {
            WriteObject(ImSession.Resolve(null, RunspaceScope.Current));
        }
        catch (InvalidOperationException e)
        {
            // After a failed Connect-ImApp the runspace is not connected on purpose: say so, whatever the environment holds.
            if (ImSession.FailedConnectIn(RunspaceScope.Current) is not null || ImSession.Variables.Any(v => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(v))))
            {
                WriteError(new ErrorRecord(e, ErrorIds.NotConnected, ErrorCategory.AuthenticationError, null));
            }
        }
    }
}
