using System.Management.Automation;
using TencentImAttr.Core.Connection;

namespace TencentImAttr.Cmdlets;

/// <summary>Forgets this runspace's session connection (and any made from environment variables); its secrets go with it.</summary>
/// <remarks>
/// Other runspaces of the process keep their own connections.
/// Connections kept in variables (Connect-ImApp -PassThru) stay usable with -Connection. After Disconnect-ImApp,
/// the cmdlets connect from the TENCENTIM_* environment variables if they are set, or fail with the error id
/// NotConnected. Disconnect-ImApp also lifts what a failed Connect-ImApp leaves: until then, that runspace does not
/// read the TENCENTIM_* variables.
/// </remarks>
/// <example>
/// Forget the session's connection
/// <code>
/// Disconnect-ImApp
/// </code>
/// The next cmdlet that needs a connection fails with NotConnected, unless the TENCENTIM_* environment variables are set.
/// </example>
/// <example>
/// Disconnect at the end of a script, whatever happens
/// <code>
/// Connect-ImApp 1400000000 -Credential $credential
/// try {
///     Import-Csv users.csv | Set-ImUserAttribute
/// }
/// finally {
///     Disconnect-ImApp
/// }
/// </code>
/// The secret key is dropped from the session even when the script fails or is stopped with Ctrl+C.
/// </example>
[Cmdlet(VerbsCommunications.Disconnect, "ImApp", HelpUri = HelpLinks.CmdletPages + "Disconnect-ImApp.md")]
[OutputType(typeof(void))]
public sealed class DisconnectImAppCommand : PSCmdlet
{
    /// <summary>Clears the session's connection.</summary>
    protected override void EndProcessing()
    {
        if (ImSession.CurrentIn(RunspaceScope.Current) is null) QuietWrites.Verbose(this, "There was no session connection.");
        ImSession.Clear(RunspaceScope.Current);
    }
}
