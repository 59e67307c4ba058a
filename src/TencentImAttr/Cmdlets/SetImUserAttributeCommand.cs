using System.Collections;
using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Sets attributes of users (im_set_attr), 100 users per call, as fast as the quota allows. Attributes not named
/// stay as they are; with -Replace, each user ends with exactly the attributes given.
/// </summary>
/// <remarks>
/// <para>
/// Give the same attributes to a list of users with -UserId and -Attribute, or pipe objects that carry a user and its
/// own attributes: rows of Import-Csv, hashtables, or the output of Get-ImUserAttribute. Each user is checked on
/// its own: a bad id or value is reported as an error whose target is the user, and the others still go.
/// </para>
/// <para>
/// The attribute names must be registered for the app first (Set-ImAppAttributeName). Memory stays small however long
/// the input: users are sent as they come, 100 per call, several calls at once within the app's quota.
/// </para>
/// <para>
/// -Replace syncs from a source of truth: it reads the users' attributes (im_get_attr, and the app's names once),
/// sets only the values that differ, removes the registered attributes the source does not give (an empty cell means
/// "remove"), and sends no write at all for a user already equal to the source. With -WhatIf it writes the drift
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
/// Nightly sync from an HR export: report the drift, then make every user exactly what the file says
/// <code>
/// # hr.csv:
/// # UserId,city,tier
/// # alice,Shenzhen,gold
/// # bob,Beijing,
/// Import-Csv hr.csv | Set-ImUserAttribute -Replace -WhatIf | Format-Table
/// Import-Csv hr.csv | Set-ImUserAttribute -Replace -PassThru -InformationAction Continue | Export-Csv drift.csv -NoTypeInformation
/// </code>
/// The first line reads alice and bob and shows, for each user that differs, the attributes that would be added,
/// changed (old and new value) and removed, without writing anything. The second makes alice exactly city=Shenzhen,
/// tier=gold and bob exactly city=Beijing (bob's empty tier cell removes his tier), writes the drift of each user
/// it changed, and ends with a summary that counts the read and write calls; a user already equal costs a read, no write.
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
/// Nightly sync, proven: make every user exactly what the file says, and read back the users changed
/// <code>
/// Import-Csv hr.csv | Set-ImUserAttribute -Replace -Verify -InformationVariable run
/// $run.MessageData.Verified
/// </code>
/// The sync reads alice and bob and writes only bob (alice already matches the file); bob alone is then read back
/// (100 users a call) and compared with his row, an extra registered name counting as a difference. A user found
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
    /// Makes each user exactly what the input says, instead of adding to what it has. The module reads the users'
    /// current attributes (im_get_attr, 100 users a call, and the app's registered names once per command), then sets
    /// only the names added or changed (one im_set_attr per 100 changed users) and removes the registered names the
    /// input does not give (im_remove_attr); a user already equal gets no write call. For CSV rows and objects the
    /// desired attributes are the non-empty cells: an empty cell (or an empty value in a table or in -Attribute) means
    /// "remove". With -UserId and -Attribute, those users end with exactly that table (@{} removes every attribute).
    /// With -WhatIf, the reads are still sent (they are how the drift is known) and no write is: one AttributeDrift
    /// per user that would change is written, as the report. Users are read and written in sync batches of 10,000
    /// (writes fill their calls whichever read found the change): keep a user's rows together, since a later batch's
    /// row replaces an earlier one. Costs: about one read call per 100 users, plus the writes; the summary counts both.
    /// With -Verify, only the users written are read back (one more read call per 100 of them); a user already equal
    /// needs none, the sync's own read having shown it equal. -WhatIf -Verify writes nothing, so verifies nothing.
    /// </summary>
    [Parameter]
    public SwitchParameter Replace { get; set; }

    #endregion

    private protected override IBulkRun Start(ImConnection connection, EngineOptions options, int? maxRetry)
    {
        var attributes = (IDictionary?)PipelineInput.Plain(Attribute);
        if (Replace) return StartReplace(connection, options, maxRetry, attributes);
        return new BulkRun<SetItem, UserAttributes>(this, Journaled(connection, BulkOperations.Set(connection, maxRetry, Verification), BulkOperations.Get(connection, maxRetry), new SetJournalShape()), options,
            record => SetItem.Read(record, attributes, connection.Service),
            // A user with nothing to set (a row of empty cells) is sent nowhere, so there is nothing to confirm for it.
            batch => batch.Where(i => i.Attributes.Count > 0).ToList() is not { Count: > 0 } asked
                || ShouldProcess(BatchPrompt.Users(asked.Select(i => i.UserId).ToList()), "Set attributes " + BatchPrompt.Names(asked.SelectMany(i => i.Attributes.Keys))),
            PassThru);
    }

    /// <summary>
    /// -Replace: the sync runs in batches of 10,000 users (read, compare, write what differs); each write call is asked
    /// once it is known what it changes. With -Verify, the users written are read back, 100 a call, and a differing
    /// user gets the sync once more. Written: the drift of each user changed (-PassThru) or that would change (-WhatIf).
    /// </summary>
    private BulkRun<SetItem, SyncResult<AttributeDrift>> StartReplace(ImConnection connection, EngineOptions options, int? maxRetry, IDictionary? attributes)
    {
        var whatIf = WhatIfRun;
        var passThru = PassThru.IsPresent;
        options.BatchSize = SyncCalls.UsersPerSync;
        return new BulkRun<SetItem, SyncResult<AttributeDrift>>(this,
            Journaled(connection, BulkOperations.ReplaceAttributes(connection, options.ThrottleLimit, ShouldProcess, maxRetry, Verification), BulkOperations.Get(connection, maxRetry), new ReplaceJournalShape()), options,
            record => SetItem.Read(record, attributes, connection.Service, replace: true),
            approve: null,
            writeResults: true,
            present: r => r.Drift is null ? null : r.Applied ? (passThru ? r.Drift : null) : (whatIf ? r.Drift : null));
    }
}
