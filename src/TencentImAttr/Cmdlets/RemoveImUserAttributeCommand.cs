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
/// Each row's UserId and Name columns bind by property name; Name can hold one attribute name per row.
/// </example>
[Cmdlet(VerbsCommon.Remove, "ImUserAttribute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RemovedUserAttributes))]
public sealed class RemoveImUserAttributeCommand : ImBulkCmdlet<RemoveItem, RemovedUserAttributes>
{
    #region Parameters

    /// <summary>The users to remove attributes from: names from the pipeline, or objects with a UserId (To_Account, Account) property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("To_Account", "Account")]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    public string?[] UserId { get; set; } = null!;

    /// <summary>The attribute names to remove from each user.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("AttributeName", "Attrs")]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    [ArgumentCompleter(typeof(AttributeNameCompleter))]
    public string?[] Name { get; set; } = null!;

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
        foreach (var user in UserId ?? new string?[] { null })
        {
            Submit(InputReader.ForRemove(user, Name, ActiveConnection.Service));
        }
    }
}
