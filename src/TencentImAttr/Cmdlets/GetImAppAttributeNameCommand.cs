using System.Management.Automation;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>Gets the attribute names registered for the app (im_get_attr_name): at most 10, in slots 0 to 9.</summary>
/// <remarks>
/// Users can carry only the attributes whose names the app has registered (Set-ImAppAttributeName). The names read
/// are also kept on the connection for the tab completion of -Attribute and -Name.
/// </remarks>
/// <example>
/// List the registered names
/// <code>
/// Get-ImAppAttributeName
/// </code>
/// Writes one AppAttributeName object per registered name, with its slot, its name and, on the Push service, its
/// account type.
/// </example>
/// <example>
/// Check that a name is registered before using it
/// <code>
/// if ('tier' -notin (Get-ImAppAttributeName).Name) {
///     throw "Register the attribute name 'tier' first (Set-ImAppAttributeName)."
/// }
/// </code>
/// Setting an unregistered attribute fails for every user; checking once up front gives one clear error instead.
/// </example>
[Cmdlet(VerbsCommon.Get, "ImAppAttributeName", HelpUri = HelpLinks.CmdletPages + "Get-ImAppAttributeName.md")]
[OutputType(typeof(AppAttributeName))]
public sealed class GetImAppAttributeNameCommand : ImCmdlet
{
    /// <summary>Reads and writes the names.</summary>
    protected override void EndProcessing()
    {
        var connection = ResolveConnection();
        foreach (var name in RunCall((log, token) => AppAttributeNames.GetAsync(connection, log, token)))
        {
            WriteObject(name);
        }
    }
}
