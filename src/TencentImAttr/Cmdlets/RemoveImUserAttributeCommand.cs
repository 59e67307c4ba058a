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

    /// <summary>Checks each user, asks where needed, and queues it.</summary>
    protected override void ProcessRecord()
    {
        foreach (var user in UserId ?? new string?[] { null })
        {
            var item = InputReader.ForRemove(user, Name, ActiveConnection.Service);
            if (item.Failure is not null)
            {
                Reject(item.Failure);
            }
            else if (Confirmation.ShouldContinue(this, Force, item.Item!.UserId, "Remove attributes " + string.Join(", ", item.Item.Names)))
            {
                Enqueue(item.Item);
            }
        }
    }
}
