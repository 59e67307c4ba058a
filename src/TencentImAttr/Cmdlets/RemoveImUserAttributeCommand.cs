using System.Management.Automation;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Removes named attributes from users (im_remove_attr), 100 users per call. It asks for confirmation unless -Force
/// (or -Confirm:$false) is given; -WhatIf shows what would be removed and sends nothing.
/// </summary>
/// <remarks>
/// Users are sent as they come, 100 per call, several calls at once within the app's quota. A user that cannot be
/// changed is reported as an error whose target is the user; the others are still changed.
/// </remarks>
/// <example>
/// See what would be removed
/// <code>
/// Remove-ImUserAttribute -UserId alice, bob -Name city -WhatIf
/// </code>
/// Shows, for each user, the attributes that would be removed; nothing is sent.
/// </example>
/// <example>
/// Remove attributes from a list of users without prompts
/// <code>
/// Get-Content leavers.txt | Remove-ImUserAttribute -Name tier, city -Force -PassThru
/// </code>
/// Removes tier and city from every user named in leavers.txt, without asking, and writes one object per user
/// done: the user and the names removed.
/// </example>
/// <example>
/// Remove the attributes named in a CSV file
/// <code>
/// Import-Csv removals.csv | Remove-ImUserAttribute -Confirm:$false
/// </code>
/// Each row names its user in a UserId (or To_Account, or Account) column and the attribute to remove in a Name
/// column.
/// </example>
[Cmdlet(VerbsCommon.Remove, "ImUserAttribute", HelpUri = HelpLinks.CmdletPages + "Remove-ImUserAttribute.md", DefaultParameterSetName = ByUserId, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RemovedUserAttributes))]
public sealed class RemoveImUserAttributeCommand : ImBulkCmdlet<RemoveItem, RemovedUserAttributes>
{
    #region Parameters

    /// <summary>The users to remove attributes from.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByUserId)]
    [Alias("To_Account", "Account")]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    public string?[] UserId { get; set; } = null!;

    /// <summary>
    /// A user from the pipeline: a user id, or an object (a row of Import-Csv, a hashtable) that names its user in a
    /// UserId, To_Account or Account property and, when -Name is not given, the attributes to remove in a Name (Names,
    /// AttributeName) property. An object that names no user is reported as an error, not sent.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByInputObject)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>The attribute names to remove from each user (with pipeline objects: instead of their own Name property).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByUserId)]
    [Parameter(ParameterSetName = ByInputObject)]
    [Alias("AttributeName", "Attrs")]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    [ArgumentCompleter(typeof(AttributeNameCompleter))]
    public string?[]? Name { get; set; }

    /// <summary>Removes without asking for confirmation. -WhatIf still wins: with it nothing is sent.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes a RemovedUserAttributes object (the user and the names removed) for each user that succeeded.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    #endregion

    /// <inheritdoc />
    protected override bool WritesResults => PassThru;

    /// <inheritdoc />
    protected override IBatchOperation<RemoveItem, RemovedUserAttributes> CreateOperation(ImConnection connection, int? maxRetry) =>
        new RemoveAttributesOperation(connection, maxRetry);

    /// <inheritdoc />
    protected override bool Approve(RemoveItem item) =>
        Confirmation.ShouldContinue(this, Force, item.UserId, "Remove attributes " + string.Join(", ", item.Names));

    /// <summary>Checks each user and queues it.</summary>
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByInputObject)
        {
            Submit(InputReader.ForRemoveFromObject(InputObject, PropertiesOf(InputObject), Name, ActiveConnection.Service, Unwrap));
            return;
        }
        foreach (var user in EachUserId(UserId))
        {
            Submit(InputReader.ForRemove(user, Name, ActiveConnection.Service));
        }
    }
}
