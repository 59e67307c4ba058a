using System.Management.Automation;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Registers the app's attribute names (im_set_attr_name): at most 10, slot i taking the i-th name (slots 0 to n-1).
/// Names must be registered before users can carry them. It changes what users' attributes mean, so it asks for
/// confirmation unless -Force is given.
/// </summary>
/// <remarks>
/// <para>
/// The call names slots "0" to "n-1" and sets those. Tencent's documentation does not say whether slots it does not
/// name keep their names or are cleared (the local emulator clears them), so give the whole list you want, and use
/// -PassThru: it reads the list back from the app (im_get_attr_name) and writes what the app holds afterwards, not
/// what was sent.
/// </para>
/// <para>
/// To add a name, read the list with Get-ImAppAttributeName and register it again with the new name appended. On the
/// Push service (Connect-ImApp -Service Push), -AccountType says whether each attribute applies to UserIDs or
/// RegistrationIDs; Tencent does not let it change once set.
/// </para>
/// </remarks>
/// <example>
/// Register three attribute names
/// <code>
/// Set-ImAppAttributeName -Name city, tier, sex -PassThru
/// </code>
/// Asks for confirmation, then registers city in slot 0, tier in slot 1 and sex in slot 2, and writes the names the
/// app holds afterwards, read back from it.
/// </example>
/// <example>
/// Add a name to those registered
/// <code>
/// $names = @((Get-ImAppAttributeName).Name) + 'language'
/// Set-ImAppAttributeName -Name $names -Force
/// </code>
/// Registers the names again, in slot order, with language after them, without a prompt. The list is renumbered
/// from slot 0, so a name keeps its slot when the slots were filled from 0 (as this cmdlet fills them). On the Push
/// service, give -AccountType again for every name.
/// </example>
/// <example>
/// Register names with account types on the Push service
/// <code>
/// Connect-ImApp 1400000000 administrator -SecretKey $key -Service Push
/// Set-ImAppAttributeName -Name city, device -AccountType UserId, RegistrationId
/// </code>
/// city applies to UserIDs and device to RegistrationIDs. The account types are fixed once set.
/// </example>
[Cmdlet(VerbsCommon.Set, "ImAppAttributeName", HelpUri = HelpLinks.CmdletPages + "Set-ImAppAttributeName.md", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(AppAttributeName))]
public sealed class SetImAppAttributeNameCommand : ImCmdlet
{

    #region Parameters

    /// <summary>The attribute names, in slot order (at most 10, each at most 50 bytes).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [AllowEmptyString, AllowNull]
    public string?[] Name { get; set; } = null!;

    /// <summary>Push service only: the account type of each name (UserId or RegistrationId), one per name. Tencent fixes it once set.</summary>
    [Parameter]
    public AttributeAccountType[]? AccountType { get; set; }

    /// <summary>Registers without asking for confirmation. -WhatIf still wins.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// Writes a journal of the change to this file (or to a new file named for the command and the time, in this
    /// folder): the names the app held before (read first) and the names given, flushed to the disk before the call is
    /// sent, then its outcome. An existing file is an error (JournalExists). -WhatIf writes none. See docs/journal.md.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>Writes the names the app holds afterwards, read back from it (a second call, im_get_attr_name), not what was sent.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    #endregion

    /// <summary>Checks the names, asks, and registers them.</summary>
    protected override void EndProcessing()
    {
        var connection = ResolveConnection();
        Core.Api.SetAttributeNamesRequest request;
        try
        {
            request = AppAttributeNames.BuildRequest(Name, AccountType, connection.Service);
        }
        catch (ImInputException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, (ErrorCategory)(int)e.Category, e.Target));
            return;
        }
        var action = $"Set the attribute name slots 0 to {request.AttrNames.Count - 1} to " + string.Join(", ", request.AttrNames.Values)
            + (request.AttrTypes is null ? "" : " and fix their account types (Tencent does not let them change once set)");
        if (!Confirmation.ShouldContinue(this, Force, $"app {connection.SdkAppId}", action))
        {
            return;
        }
        using (var journal = JournalPath is null ? null : RunJournals.Open(this, connection, JournalPath))
        {
            if (journal is not null)
            {
                var prior = RunCall((log, token) => AppAttributeNames.GetAsync(connection, log, token));
                WriteJournal(() => AppNamesJournal.WriteIntent(journal, request, prior), journal);
            }
            RunCall(async (log, token) =>
            {
                try
                {
                    await AppAttributeNames.SetAsync(connection, request, log, token).ConfigureAwait(false);
                }
                catch (ImApiException e) when (journal is not null)
                {
                    // The outcome is written before the failure is reported; a journal failing now is reported after it.
                    TryWriteOutcome(journal, ResponseClassifier.LeavesOutcomeUnknown(e) ? JournalOutcomes.Unknown : JournalOutcomes.Failed, e.ErrorId);
                    throw;
                }
                return true;
            });
            if (journal is not null) WriteJournal(() => AppNamesJournal.WriteOutcome(journal, JournalOutcomes.Done, null), journal);
        }
        if (PassThru)
        {
            // What the app holds now, read back: the documentation does not say what happens to the slots not named.
            foreach (var name in RunCall((log, token) => AppAttributeNames.GetAsync(connection, log, token)))
            {
                WriteObject(name);
            }
        }
    }

    private void WriteJournal(System.Action write, RunJournal journal)
    {
        try
        {
            write();
        }
        catch (ImApiException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.WriteError, journal.Path));
        }
    }

    private static void TryWriteOutcome(RunJournal journal, string outcome, string errorId)
    {
        try
        {
            AppNamesJournal.WriteOutcome(journal, outcome, errorId);
        }
        catch (ImApiException)
        {
            // Kept in the journal's Failure; the call's own failure is what the caller must see.
        }
    }
}
