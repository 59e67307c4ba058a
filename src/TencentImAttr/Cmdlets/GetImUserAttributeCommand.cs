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
/// <remarks>
/// <para>
/// Users are read 100 per call, with several calls in flight (-ThrottleLimit) within the app's quota, so a long
/// list of users takes about as long as the quota allows. A user that cannot be read is reported as an error whose
/// target is the user; the others are still read.
/// </para>
/// <para>
/// The output can be piped back into Set-ImUserAttribute, for example to copy attributes to another app.
/// </para>
/// </remarks>
/// <example>
/// Get the attributes of two users
/// <code>
/// Get-ImUserAttribute -UserId alice, bob
/// </code>
/// Writes one object per user: its UserId, and its attributes as a table of name to value.
/// </example>
/// <example>
/// Find users in a list by attribute
/// <code>
/// Get-Content ids.txt | Get-ImUserAttribute | Where-Object { $_.Attributes['city'] -eq 'Shenzhen' }
/// </code>
/// Reads the users named in ids.txt, one per line, and keeps those whose city is Shenzhen.
/// </example>
/// <example>
/// Export one attribute to CSV
/// <code>
/// Import-Csv users.csv | Get-ImUserAttribute |
///     Select-Object UserId, @{ Name = 'tier'; Expression = { $_.Attributes['tier'] } } |
///     Export-Csv tiers.csv -NoTypeInformation
/// </code>
/// The UserId column of users.csv (or To_Account, or Account) binds to -UserId by property name.
/// </example>
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
            Submit(InputReader.ForGet(user, ActiveConnection.Service));
        }
    }
}
