using System.Collections;
using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Sets attributes of users (im_set_attr), 100 users per call, as fast as the quota allows. Attributes not named
/// stay as they are; with -Replace, each attribute the input carries ends exactly as given (empty removes).
/// </summary>
/// <remarks>
/// <para>
/// Give the same attributes to a list of users with -UserId and -Attribute, or pipe objects that carry a user and its
/// own attributes: rows of Import-Csv, hashtables, or the output of Get-ImUserAttribute. Each user is checked on
/// its own: a bad id or value is reported as an error whose target is the user, and the others still go.
/// </para>
/// <para>
/// The attribute names must be registered for the app first (Set-ImAppAttributeName): a name of the input that is not
/// (a typo'd or wrong-case header) stops the command before anything carrying it is sent, with one error
/// (AttributeNameNotRegistered) naming the registered name it most likely meant; the app's names are read once per
/// command, also under -WhatIf. Memory stays small however long the input: users are sent as they come, 100 per call,
/// several calls at once within the app's quota.
/// </para>
/// <para>
/// -Replace syncs from a source of truth for the names the input carries: it reads the users' attributes (im_get_attr,
/// and the app's names once), sets only the values that differ, removes the attributes the input gives empty (an empty
/// cell, empty string or DBNull), leaves alone every attribute the input does not carry (no such column, or a $null
/// value), and sends no write at all for a user already equal to the source. -RemoveUnlisted makes each row the
/// user's whole set. Each call that removes asks first, even at the default $ConfirmPreference (-Force skips it). With -WhatIf it writes the drift
/// report (one AttributeDrift per user that would change) and sends only the reads. The summary
/// (-InformationAction Continue) counts the read and write calls. With -Verify too, the users the sync wrote (and
/// only those) are read back and compared with the source; one that differs gets the sync once more.
/// </para>
/// </remarks>
/// <example>
/// Set the same attributes on several users
/// <code>
/// Set-ImUserAttribute -UserId alice, bob -Attribute @{ city = 'Shenzhen'; tier = 'gold' }
/// </code>
/// Sets city and tier on alice and bob; their other attributes stay as they are.
/// </example>
/// <example>
/// Set attributes from a CSV file
/// <code>
/// # users.csv:
/// # UserId,city,tier
/// # alice,Shenzhen,gold
/// # bob,Beijing,
/// Import-Csv users.csv | Set-ImUserAttribute
/// </code>
/// Each row names a user (the UserId, To_Account or Account column) and one attribute per other column. Empty cells
/// are skipped: bob's tier is left as it is.
/// </example>
/// <example>
/// Preview, then set, with results
/// <code>
/// Import-Csv users.csv | Set-ImUserAttribute -WhatIf
/// Import-Csv users.csv | Set-ImUserAttribute -PassThru -ErrorVariable failed | ForEach-Object UserId | Set-Content done.txt
/// </code>
/// -WhatIf shows one line per call of up to 100 users (the attributes and the first users) and sends nothing. -PassThru writes one object per user set, whose
/// ids go to done.txt; the errors of the users that failed, each naming its user, are in $failed.
/// </example>
/// <example>
/// Set an attribute on the users listed in a file
/// <code>
/// Get-Content ids.txt | Set-ImUserAttribute -Attribute @{ tier = 'silver' }
/// </code>
/// Each line of ids.txt is a user id; each user gets tier = silver. With objects from the pipeline, -Attribute is
/// added to each object's own attributes and wins over them.
/// </example>
/// <example>
/// Nightly sync from an HR export: report the drift, then make every user what the file says
/// <code>
/// # hr.csv:
/// # UserId,city,tier
/// # alice,Shenzhen,gold
/// # bob,Beijing,
/// Import-Csv hr.csv | Set-ImUserAttribute -Replace -WhatIf | Format-Table
/// Import-Csv hr.csv | Set-ImUserAttribute -Replace -PassThru -InformationAction Continue | Export-Csv drift.csv -NoTypeInformation
/// </code>
/// The first line reads alice and bob and shows, for each user that differs, the attributes that would be added,
/// changed (old and new value) and removed, without writing anything. The second gives alice city=Shenzhen and
/// tier=gold and bob city=Beijing, and removes bob's tier (his empty cell), after asking (each call that removes asks;
/// -Force does not); attributes the file has no column for stay as they are. It writes the drift of each user it
/// changed, and ends with a summary that counts the read and write calls; a user already equal costs a read, no write.
/// </example>
/// <example>
/// Copy users exactly to another app, in a script that cannot answer questions
/// <code>
/// $test = Connect-ImApp 1400000001 administrator -UserSig $env:TEST_USERSIG -NoDefault -PassThru
/// Get-ImUserAttribute -UserId alice, bob | Set-ImUserAttribute -Replace -RemoveUnlisted -Force -Connection $test
/// </code>
/// Each Attributes table is the user's whole set on the app of $test: attributes the source user does not have are
/// removed there (-RemoveUnlisted), without asking (-Force). Without -RemoveUnlisted the copy would only set and change.
/// </example>
/// <example>
/// Set attributes and prove that they landed
/// <code>
/// Import-Csv users.csv | Set-ImUserAttribute -Verify -InformationVariable run
/// $run.MessageData.Verified
/// </code>
/// After each call, the users it set are read back and compared with the file; a user found different is sent once
/// more, and one still different is an ImVerifyMismatch error showing the expected and the found values. The summary
/// counts the users verified (here 2).
/// </example>
/// <example>
/// Nightly sync, proven: make every user what the file says, and read back the users changed
/// <code>
/// Import-Csv hr.csv | Set-ImUserAttribute -Replace -Verify -InformationVariable run
/// $run.MessageData.Verified
/// </code>
/// The sync reads alice and bob and writes only bob (alice already matches the file); bob alone is then read back
/// (100 users a call) and compared with his row for the names it carries. A user found
/// different gets the sync once more (read, compare, write) and is read again; one still different is an
/// ImVerifyMismatch error. The summary counts 1 user verified, and the read-back among its read calls.
/// </example>
/// <parameter name="UserId">
/// The users to set the same attributes on. Each user is checked on its own: a bad id is reported and the others still go.
/// An array given here is built whole before the command starts (-UserId (Get-Content ids.txt) reads the whole file first); pipe the ids instead (Get-Content ids.txt | ...) to stream them.
/// </parameter>
/// <parameter name="InputObject">
/// An object from the pipeline: the output of Get-ImUserAttribute (UserId and an Attributes table), a row of
/// Import-Csv (a UserId, To_Account or Account column and one column per attribute; empty cells are skipped), a
/// hashtable with the same keys, or a plain user id together with -Attribute.
/// </parameter>
[Cmdlet(VerbsCommon.Set, "ImUserAttribute", HelpUri = HelpLinks.CmdletPages + "Set-ImUserAttribute.md", DefaultParameterSetName = ByUserId, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(UserAttributes), typeof(AttributeDrift))]
public sealed class SetImUserAttributeCommand : ImWriteCmdlet
{
    #region Parameters

    /// <summary>
    /// The attributes to set, as a table of name = value (@{ city = 'Shenzhen'; tier = 'gold' }). Values are sent as
    /// strings: numbers, booleans and dates are converted in the invariant culture. With pipeline input, these are
    /// added to (and win over) the attributes each object carries.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByUserId)]
    [Parameter(ParameterSetName = ByInputObject)]
    [Alias("Attributes", "Attrs")]
    [ArgumentCompleter(typeof(AttributeTableCompleter))]
    public IDictionary? Attribute { get; set; }

    /// <summary>
    /// Without -Replace: writes a UserAttributes object (the user and the attributes set) for each user that
    /// succeeded. With -Replace: writes an AttributeDrift (UserId, Added, Changed, Removed) for each user changed;
    /// a user already equal to the source writes nothing.
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// Makes each attribute the input carries exactly what it says, instead of only adding: a value sets, an empty
    /// cell (an empty string or DBNull, in a row, a table or -Attribute) removes, and an attribute the input does not
    /// carry (no such column or key, or a $null value) is left alone; with -RemoveUnlisted each row is the user's whole
    /// set. The module reads the users' current attributes (im_get_attr, 100 users a call, and the app's registered
    /// names once per command), then sets only the names added or changed (one im_set_attr per 100 changed users) and
    /// removes the names to remove (im_remove_attr); a user already equal gets no write call. Each call that removes
    /// asks first, even at the default $ConfirmPreference (-Force or -Confirm:$false skips it; a host that cannot ask
    /// stops with RemovalNotConfirmed). -Attribute @{} -Replace without -RemoveUnlisted is AttributeSetEmpty.
    /// With -WhatIf, the reads are still sent (they are how the drift is known) and no write is: one AttributeDrift
    /// per user that would change is written, as the report. Users are read and written in sync batches of 10,000
    /// (writes fill their calls whichever read found the change): keep a user's rows together, since a user that comes
    /// again after its batch was sent is refused (ReplaceUserRepeated). Costs: about one read call per 100 users, plus the writes; the summary counts both.
    /// With -Verify, only the users written are read back (one more read call per 100 of them); a user already equal
    /// needs none, the sync's own read having shown it equal. -WhatIf -Verify writes nothing, so verifies nothing.
    /// </summary>
    [Parameter]
    public SwitchParameter Replace { get; set; }

    /// <summary>
    /// With -Replace: each row (or -Attribute table) is the user's whole set, as an exact copy needs: every registered
    /// name it does not give with a value is removed, and -Attribute @{} removes every attribute. Without it, -Replace
    /// manages only the names the input carries. -Verify then compares every registered name.
    /// </summary>
    [Parameter]
    public SwitchParameter RemoveUnlisted { get; set; }

    /// <summary>
    /// With -Replace: removes without asking. Without it, each call of a -Replace run that removes attributes asks
    /// first (Yes, Yes to All, No, No to All), even at the default $ConfirmPreference, and a host that cannot ask
    /// (pwsh -NonInteractive, a runbook) removes nothing and stops with one error (RemovalNotConfirmed); -Confirm:$false
    /// does the same as -Force. -WhatIf still wins: with it nothing is written.
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    #endregion

    private protected override IBulkRun Start(ImConnection connection, EngineOptions options, int? maxRetry)
    {
        if (RemoveUnlisted && !Replace)
        {
            ThrowTerminatingError(new ErrorRecord(new PSArgumentException(
                "-RemoveUnlisted says that each row is the user's whole set under -Replace: give -Replace too, or leave -RemoveUnlisted out."),
                ErrorIds.RemoveUnlistedWithoutReplace, ErrorCategory.InvalidArgument, null));
        }
        var attributes = (IDictionary?)PipelineInput.Plain(Attribute);
        // One read of the app's names per command, shared by the check of the input's names and the sync's compare.
        var registered = new RegisteredNameCheck(connection);
        if (Replace) return StartReplace(connection, options, maxRetry, attributes, registered);
        return new BulkRun<SetItem, UserAttributes>(this, Journaled(connection, BulkOperations.Set(connection, maxRetry, Verification), BulkOperations.Get(connection, maxRetry), new SetJournalShape()), options,
            record => SetItem.Read(record, attributes, connection.Service),
            // A user with nothing to set (a row of empty cells) is sent nowhere, so there is nothing to confirm for it.
            batch => batch.Where(i => i.Attributes.Count > 0).ToList() is not { Count: > 0 } asked
                || ShouldProcess(BatchPrompt.Users(asked.Select(i => i.UserId).ToList()), "Set attributes " + BatchPrompt.Names(asked.SelectMany(i => i.Attributes.Keys))),
            PassThru,
            stopCheck: (item, log) => registered.Check(item, log, StopToken));
    }

    /// <summary>
    /// -Replace: the sync runs in batches of 10,000 users (read, compare, write what differs); each set call is asked
    /// through ShouldProcess once it is known what it changes, each remove call through the removal question (asked
    /// even at the default preference; -Force or -Confirm:$false skips it). With -Verify, the users written are read
    /// back, 100 a call, and a differing user gets the sync once more. Written: the drift of each user changed
    /// (-PassThru) or that would change (-WhatIf).
    /// </summary>
    private BulkRun<SetItem, SyncResult<AttributeDrift>> StartReplace(ImConnection connection, EngineOptions options, int? maxRetry, IDictionary? attributes, RegisteredNameCheck registered)
    {
        var whatIf = WhatIfRun;
        var passThru = PassThru.IsPresent;
        var removeUnlisted = RemoveUnlisted.IsPresent;
        var removal = new RemovalQuestion(this, Force);
        options.BatchSize = SyncCalls.UsersPerSync;
        return new BulkRun<SetItem, SyncResult<AttributeDrift>>(this,
            Journaled(connection, BulkOperations.ReplaceAttributes(connection, options.ThrottleLimit, ShouldProcess, maxRetry, Verification, removal.Ask, registered), BulkOperations.Get(connection, maxRetry), new ReplaceJournalShape()), options,
            record => SetItem.Read(record, attributes, connection.Service, replace: true, removeUnlisted),
            approve: null,
            writeResults: true,
            present: r => r.Drift is null ? null : r.Applied ? (passThru ? r.Drift : null) : (whatIf ? r.Drift : null),
            stopCheck: (item, log) => registered.Check(item, log, StopToken));
    }
}
