using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Adds tags to users (im_add_tag, or add_tag on the Push service), 100 users per call; the users' other tags stay.
/// With -Replace (Push service only), each user's tags become exactly the list given.
/// </summary>
/// <remarks>
/// <para>
/// A call carries at most 10 tags per user, so a longer list is sent in parts of 10, one call after the other, in
/// order; a user holds at most 100 tags, so more than 100 for one user (in one object, or in the user's rows merged
/// into one call) is an error (TooManyTags) and nothing is sent for that user. With -Replace the whole list (at most 100) goes in one call.
/// </para>
/// <para>
/// The output of Get-ImUserTag pipes straight in, on this connection or another (-Connection): that copies tags
/// between apps. A CSV gives one tag per row in a Tag column; rows of one user add up.
/// </para>
/// </remarks>
/// <example>
/// Tag two users
/// <code>
/// Add-ImUserTag -UserId alice, bob -Tag vip, beta -PassThru
/// </code>
/// Adds vip and beta to alice and to bob and writes one object per user: the user and the tags added.
/// </example>
/// <example>
/// Tag users from a CSV file, one tag per row
/// <code>
/// Import-Csv tags.csv | Add-ImUserTag
/// </code>
/// Each row names its user in a UserId (or To_Account, or Account) column and one tag in a Tag column; a user with
/// several rows gets every tag.
/// </example>
/// <example>
/// Copy users' tags to another app
/// <code>
/// $test = Connect-ImApp 1400000001 administrator -UserSig $env:TEST_USERSIG -NoDefault -PassThru
/// Get-ImUserTag -UserId alice, bob | Add-ImUserTag -Connection $test
/// </code>
/// Reads alice's and bob's tags on the current app and adds them to the same users on the app of $test.
/// </example>
/// <example>
/// Replace a user's tags on the Push service
/// <code>
/// Connect-ImApp 1400000000 administrator -SecretKey $key -Service Push
/// Add-ImUserTag -UserId alice -Tag gold -Replace
/// </code>
/// alice's tags become exactly gold (add_tag with Replace: 1), after a question naming alice (-Force replaces
/// without asking). all_member_push has no replace, so -Replace is an error there.
/// </example>
/// <example>
/// Preview a replace: which users' tags would change
/// <code>
/// Connect-ImApp 1400000000 administrator -SecretKey $key -Service Push
/// Import-Csv tags.csv | Add-ImUserTag -Replace -WhatIf
/// </code>
/// Reads each user's tags (get_tag) and writes one TagDrift per user whose tags would change: the tags that would be
/// added and removed. Users whose tags already match write nothing; no add is sent.
/// </example>
/// <parameter name="UserId">The users to add the same tags to. Each user is checked on its own: a bad id is reported and the others still go.</parameter>
/// <parameter name="InputObject">
/// A user from the pipeline: a user id (with -Tag), or an object (the output of Get-ImUserTag, a row of Import-Csv,
/// a hashtable) that names its user in a UserId, To_Account or Account property and, when -Tag is not given, its
/// tags in a Tags (a list) or Tag (one tag; a string is never split) property.
/// </parameter>
[Cmdlet(VerbsCommon.Add, "ImUserTag", HelpUri = HelpLinks.CmdletPages + "Add-ImUserTag.md", DefaultParameterSetName = ByUserId, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UserTags), typeof(TagDrift))]
public sealed class AddImUserTagCommand : ImWriteCmdlet
{
    #region Parameters

    /// <summary>The tags to add to each user (each at most 50 bytes; with pipeline objects: instead of their own Tags or Tag property).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByUserId)]
    [Parameter(ParameterSetName = ByInputObject)]
    [Alias("Tags")]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    [ArgumentCompleter(typeof(TagCompleter))]
    public string?[]? Tag { get; set; }

    /// <summary>
    /// Push service only: each user's tags become exactly the list given (add_tag with Replace: 1), in one call of at
    /// most 100 tags per user. On all_member_push it is an error: that API has no replace, and emulating one with a
    /// clear and an add would leave users without tags in between. With -WhatIf it is a drift report: the users' tags
    /// are read (get_tag, 100 users a call; these reads are sent) and one TagDrift (UserId, Added, Removed) is written
    /// per user whose tags would change; no add is sent. Without -WhatIf nothing is read: every user is sent, each call
    /// asked first (even at the default $ConfirmPreference; -Force skips it). A user whose rows fall into two calls is
    /// refused in the second (ReplaceUserRepeated), in the run and in the report alike.
    /// </summary>
    [Parameter]
    public SwitchParameter Replace { get; set; }

    /// <summary>
    /// With -Replace: replaces without asking. Without it, each call of a -Replace run asks first (Yes, Yes to All, No,
    /// No to All), even at the default $ConfirmPreference, since it removes every tag not in the list; a host that
    /// cannot ask removes nothing and stops with one error (RemovalNotConfirmed). -Confirm:$false does the same as
    /// -Force; -WhatIf still wins.
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes a UserTags object (the user and the tags added) for each user that succeeded.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    #endregion

    private protected override IBulkRun Start(ImConnection connection, EngineOptions options, int? maxRetry)
    {
        if (Replace && connection.Service != ImService.Push)
        {
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException(
                "-Replace needs the Push service (Connect-ImApp -Service Push): all_member_push's im_add_tag has no Replace, and emulating it with im_remove_all_tags then im_add_tag would leave each user without tags in between."),
                ErrorIds.ReplaceNeedsPushService, ErrorCategory.InvalidArgument, connection.Service));
        }
        var tags = Given(nameof(Tag)) ? Tag ?? System.Array.Empty<string?>() : null;
        // -Replace drops every tag not in the list: each call asks, even at the default preference (-Force skips).
        var removal = new RemovalQuestion(this, Force);
        if (Replace && WhatIfRun)
        {
            // The drift report: read, compare, and ask each would-be call (declined under -WhatIf), so only reads go out.
            // The batches stay those of the real run (100 users), whose blind replace merges a user's rows per call:
            // a larger batch would merge rows that the run sends in two calls, and report what the run does not do.
            return new BulkRun<TagItem, SyncResult<TagDrift>>(this, BulkOperations.ReplaceTags(connection, options.ThrottleLimit, removal.Ask, maxRetry), options,
                record => TagItem.Read(record, tags, connection.Service),
                approve: null,
                writeResults: true,
                present: r => r.Drift);
        }
        return new BulkRun<TagItem, UserTags>(this, Journaled(connection, BulkOperations.AddTags(connection, Replace, maxRetry, Verification), BulkOperations.GetTags(connection, maxRetry), TagJournalShape.Add(Replace)), options,
            record => TagItem.Read(record, tags, connection.Service),
            batch => Replace
                ? removal.Ask(BatchPrompt.Users(batch.Select(i => i.UserId).ToList()), "Replace tags with " + BatchPrompt.Names(batch.SelectMany(i => i.Tags)) + ", removing every other tag")
                : ShouldProcess(BatchPrompt.Users(batch.Select(i => i.UserId).ToList()), "Add tags " + BatchPrompt.Names(batch.SelectMany(i => i.Tags))),
            PassThru);
    }
}
