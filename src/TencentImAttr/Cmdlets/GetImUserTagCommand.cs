using System.Management.Automation;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Gets users' tags (im_get_tag, or get_tag on the Push service): one UserTags object per requested user, in input
/// order; a user without tags yields an empty Tags list.
/// </summary>
/// <remarks>
/// <para>
/// Users are read 100 per call, several calls at once within the app's quota. Answers are matched to users by
/// account, never by the order the service answers in. A user that cannot be read is reported as an error whose
/// target is the user; the others are still read.
/// </para>
/// <para>
/// The output pipes straight into Add-ImUserTag and Remove-ImUserTag, on this connection or another.
/// </para>
/// </remarks>
/// <example>
/// Get the tags of two users
/// <code>
/// Get-ImUserTag -UserId alice, bob
/// </code>
/// Writes one object per user: its UserId and its Tags.
/// </example>
/// <example>
/// Export tags to CSV, one tag per row
/// <code>
/// Get-Content ids.txt | Get-ImUserTag |
///     ForEach-Object { foreach ($t in $_.Tags) { [pscustomobject]@{ UserId = $_.UserId; Tag = $t } } } |
///     Export-Csv tags-export.csv -NoTypeInformation
/// </code>
/// Reads the users named in ids.txt and writes a row per user and tag: the shape Add-ImUserTag reads back.
/// </example>
/// <parameter name="UserId">The users to read. Each user gets one answer object, in the order given.</parameter>
/// <parameter name="InputObject">
/// A user from the pipeline: a user id, or an object (a row of Import-Csv, the output of another Get cmdlet, a
/// hashtable) that names its user in a UserId, To_Account or Account property. An object that names no user is
/// reported as an error, not sent.
/// </parameter>
[Cmdlet(VerbsCommon.Get, "ImUserTag", HelpUri = HelpLinks.CmdletPages + "Get-ImUserTag.md", DefaultParameterSetName = ByUserId)]
[OutputType(typeof(UserTags))]
public sealed class GetImUserTagCommand : ImBulkCmdlet
{
    private protected override IBulkRun Start(ImConnection connection, EngineOptions options, int? maxRetry) =>
        new BulkRun<GetItem, UserTags>(this, BulkOperations.GetTags(connection, maxRetry), options,
            record => GetItem.Read(record, connection.Service), approve: null, writeResults: true);
}
