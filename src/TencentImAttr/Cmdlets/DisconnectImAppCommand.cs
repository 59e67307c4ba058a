using System.Management.Automation;
using TencentImAttr.Core.Connection;

namespace TencentImAttr.Cmdlets;

/// <summary>Forgets the session's connection (and any made from environment variables); its secrets go with it.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "ImApp")]
[OutputType(typeof(void))]
public sealed class DisconnectImAppCommand : PSCmdlet
{
    /// <summary>Clears the session's connection.</summary>
    protected override void EndProcessing()
    {
        if (ImSession.Current is null) WriteVerbose("There was no session connection.");
        ImSession.Clear();
    }
}
