using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Removes every tag of each user (im_remove_all_tags, or clear_all_tags on the Push service), 100 users per call. It
/// asks for confirmation unless -Force (or -Confirm:$false) is given; -WhatIf sends nothing.
/// </summary>
/// <remarks>
/// A user that cannot be changed is reported as an error whose target is the user; the others are still changed.
/// </remarks>
/// <example>
/// See whose tags would be cleared
/// <code>
/// Clear-ImUserTag -UserId alice, bob -WhatIf
/// </code>
/// Names each user whose tags would be removed; nothing is sent.
/// </example>
/// <example>
/// Clear the tags of the users listed in a file
/// <code>
/// Get-Content leavers.txt | Clear-ImUserTag -Force -PassThru
/// </code>
/// Removes every tag of each user named in leavers.txt, without asking, and writes one object per user done, with no tags left.
/// </example>
/// <parameter name="UserId">The users whose tags are all removed.</parameter>
/// <parameter name="InputObject">
/// A user from the pipeline: a user id, or an object (a row of Import-Csv, the output of Get-ImUserTag, a hashtable)
/// that names its user in a UserId, To_Account or Account property. An object that names no user is reported as an
/// error, not sent.
/// </parameter>
[Cmdlet(VerbsCommon.Clear, "ImUserTag", HelpUri = HelpLinks.CmdletPages + "Clear-ImUserTag.md", DefaultParameterSetName = ByUserId, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(UserTags))]
public sealed class ClearImUserTagCommand : ImWriteCmdlet
{
    #region Parameters

    /// <summary>Clears without asking for confirmation. -WhatIf still wins: with it nothing is sent.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes a UserTags object (the user, with no tags) for each user that succeeded.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    #endregion

    private protected override IBulkRun Start(ImConnection connection, EngineOptions options, int? maxRetry) =>
        new BulkRun<GetItem, UserTags>(this, Journaled(connection, BulkOperations.ClearTags(connection, maxRetry, Verification), BulkOperations.GetTags(connection, maxRetry), new ClearTagsJournalShape()), options,
            record => GetItem.Read(record, connection.Service),
            batch => Confirmation.ShouldContinue(this, Force, BatchPrompt.Users(batch.Select(i => i.UserId).ToList()), "Remove all tags"),
            PassThru);
}
