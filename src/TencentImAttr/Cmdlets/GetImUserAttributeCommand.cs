using System.Management.Automation;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Gets users' attributes (im_get_attr): one UserAttributes object per requested user, in input order; a user
/// without attributes yields an empty Attributes table.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ImUserAttribute")]
[OutputType(typeof(UserAttributes))]
public sealed class GetImUserAttributeCommand : ImBulkCmdlet<GetItem, UserAttributes>
{
    #region Parameters

    /// <summary>The users to read: names from the pipeline, or objects with a UserId (To_Account, Account) property. A user given twice within 100 is answered once.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("To_Account", "Account")]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    public string?[] UserId { get; set; } = null!;

    #endregion

    /// <inheritdoc />
    protected override bool WritesResults => true;

    /// <inheritdoc />
    protected override IBatchOperation<GetItem, UserAttributes> CreateOperation(ImConnection connection, int? maxRetry) =>
        new GetAttributesOperation(connection, maxRetry);

    /// <summary>Checks each user and queues it.</summary>
    protected override void ProcessRecord()
    {
        foreach (var user in UserId ?? new string?[] { null })
        {
            var item = InputReader.ForGet(user, ActiveConnection.Service);
            if (item.Failure is not null) Reject(item.Failure);
            else Enqueue(item.Item!);
        }
    }
}
