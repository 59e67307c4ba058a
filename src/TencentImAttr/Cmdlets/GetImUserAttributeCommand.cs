using System.Management.Automation;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
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
/// Each row names its user in a UserId (or To_Account, or Account) column.
/// </example>
/// <parameter name="UserId">The users to read. Each user gets one answer object, in the order given.</parameter>
/// <parameter name="InputObject">
/// A user from the pipeline: a user id, or an object (a row of Import-Csv, the output of Get-ImUserAttribute, a
/// hashtable) that names its user in a UserId, To_Account or Account property. An object that names no user is
/// reported as an error, not sent.
/// </parameter>
[Cmdlet(VerbsCommon.Get, "ImUserAttribute", DefaultParameterSetName = ByUserId)]
[OutputType(typeof(UserAttributes))]
public sealed class GetImUserAttributeCommand : ImBulkCmdlet
{
    private protected override IBulkRun Start(ImConnection connection, EngineOptions options, int? maxRetry) =>
        new BulkRun<GetItem, UserAttributes>(this, BulkOperations.Get(connection, maxRetry), options,
            record => GetItem.Read(record, connection.Service), approve: null, writeResults: true);
}
