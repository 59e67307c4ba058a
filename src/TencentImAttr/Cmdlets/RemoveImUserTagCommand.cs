using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Removes named tags from users (im_remove_tag, or remove_tag on the Push service), 100 users per call. It asks for
/// confirmation unless -Force (or -Confirm:$false) is given; -WhatIf shows what would be removed and sends nothing.
/// </summary>
/// <remarks>
/// A user's other tags stay. A list of more than 10 tags for one user is sent in parts of 10, in order. A user that
/// cannot be changed is reported as an error whose target is the user; the others are still changed.
/// </remarks>
/// <example>
/// Remove a tag from two users without a prompt
/// <code>
/// Remove-ImUserTag -UserId alice, bob -Tag beta -Force -PassThru
/// </code>
/// Removes beta from alice and bob and writes one object per user: the user and the tags removed.
/// </example>
/// <example>
/// Remove the tags a user has on another app
/// <code>
/// $test = Connect-ImApp 1400000001 administrator -UserSig $env:TEST_USERSIG -NoDefault -PassThru
/// Get-ImUserTag -UserId alice -Connection $test | Remove-ImUserTag -Confirm:$false
/// </code>
/// Reads alice's tags on the app of $test and removes those tags from alice on the current app.
/// </example>
/// <parameter name="UserId">The users to remove tags from.</parameter>
/// <parameter name="InputObject">
/// A user from the pipeline: a user id (with -Tag), or an object (the output of Get-ImUserTag, a row of Import-Csv,
/// a hashtable) that names its user in a UserId, To_Account or Account property and, when -Tag is not given, the
/// tags to remove in a Tags (a list) or Tag (one tag) property.
/// </parameter>
[Cmdlet(VerbsCommon.Remove, "ImUserTag", HelpUri = HelpLinks.CmdletPages + "Remove-ImUserTag.md", DefaultParameterSetName = ByUserId, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(UserTags))]
public sealed class RemoveImUserTagCommand : ImWriteCmdlet
{
    #region Parameters

    /// <summary>The tags to remove from each user (with pipeline objects: instead of their own Tags or Tag property).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByUserId)]
    [Parameter(ParameterSetName = ByInputObject)]
    [Alias("Tags")]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    [ArgumentCompleter(typeof(TagCompleter))]
    public string?[]? Tag { get; set; }

    /// <summary>Removes without asking for confirmation. -WhatIf still wins: with it nothing is sent.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes a UserTags object (the user and the tags removed) for each user that succeeded.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    #endregion

    private protected override IBulkRun Start(ImConnection connection, EngineOptions options, int? maxRetry)
    {
        var tags = Given(nameof(Tag)) ? Tag ?? System.Array.Empty<string?>() : null;
        return new BulkRun<TagItem, UserTags>(this, Journaled(connection, BulkOperations.RemoveTags(connection, maxRetry, Verification), BulkOperations.GetTags(connection, maxRetry), TagJournalShape.Remove()), options,
            record => TagItem.Read(record, tags, connection.Service),
            batch => Confirmation.ShouldContinue(this, Force, BatchPrompt.Users(batch.Select(i => i.UserId).ToList()), "Remove tags " + BatchPrompt.Names(batch.SelectMany(i => i.Tags))),
            PassThru);
    }
}
