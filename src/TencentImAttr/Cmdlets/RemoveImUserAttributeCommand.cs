using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Journal;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Removes named attributes from users (im_remove_attr), 100 users per call. It asks for confirmation unless -Force
/// (or -Confirm:$false) is given; -WhatIf shows what would be removed and sends nothing.
/// </summary>
/// <remarks>
/// A name the app does not register stops the command before anything that carries it is sent (one error,
/// AttributeNameNotRegistered, naming the registered name it most likely meant); the app's names are read once per command.
/// Users are sent as they come, 100 per call, several calls at once within the app's quota. A user that cannot be
/// changed is reported as an error whose target is the user; the others are still changed.
/// </remarks>
/// <example>
/// See what would be removed
/// <code>
/// Remove-ImUserAttribute -UserId alice, bob -Name city -WhatIf
/// </code>
/// Shows, for each call of up to 100 users, the attributes that would be removed and the users; nothing is sent.
/// </example>
/// <example>
/// Remove attributes from a list of users without prompts
/// <code>
/// Get-Content leavers.txt | Remove-ImUserAttribute -Name tier, city -Force -PassThru
/// </code>
/// Removes tier and city from every user named in leavers.txt, without asking, and writes one object per user
/// done: the user and the names removed.
/// </example>
/// <example>
/// Remove the attributes named in a CSV file
/// <code>
/// Import-Csv removals.csv | Remove-ImUserAttribute -Confirm:$false
/// </code>
/// Each row names its user in a UserId (or To_Account, or Account) column and the attribute to remove in a Name
/// column.
/// </example>
/// <parameter name="UserId">
/// The users to remove attributes from.
/// An array given here is built whole before the command starts (-UserId (Get-Content ids.txt) reads the whole file first); pipe the ids instead (Get-Content ids.txt | ...) to stream them.
/// </parameter>
/// <parameter name="InputObject">
/// A user from the pipeline: a user id, or an object (a row of Import-Csv, a hashtable) that names its user in a
/// UserId, To_Account or Account property and, when -Name is not given, the attributes to remove in a Name (Names,
/// AttributeName) property. An object that names no user is reported as an error, not sent.
/// </parameter>
[Cmdlet(VerbsCommon.Remove, "ImUserAttribute", HelpUri = HelpLinks.CmdletPages + "Remove-ImUserAttribute.md", DefaultParameterSetName = ByUserId, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RemovedUserAttributes))]
public sealed class RemoveImUserAttributeCommand : ImWriteCmdlet
{
    #region Parameters

    /// <summary>The attribute names to remove from each user (with pipeline objects: instead of their own Name property).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByUserId)]
    [Parameter(ParameterSetName = ByInputObject)]
    [Alias("AttributeName", "Attrs")]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    [ArgumentCompleter(typeof(AttributeNameCompleter))]
    public string?[]? Name { get; set; }

    /// <summary>Removes without asking for confirmation. -WhatIf still wins: with it nothing is sent.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes a RemovedUserAttributes object (the user and the names removed) for each user that succeeded.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    #endregion

    private protected override IBulkRun Start(ImConnection connection, EngineOptions options, int? maxRetry)
    {
        // Not given: each pipeline object's own Name property. Given, even as $null: these names (none is an error).
        var names = Given(nameof(Name)) ? Name ?? System.Array.Empty<string?>() : null;
        var registered = new RegisteredNameCheck(connection);
        return new BulkRun<RemoveItem, RemovedUserAttributes>(this, Journaled(connection, BulkOperations.Remove(connection, maxRetry, Verification), BulkOperations.Get(connection, maxRetry), new RemoveJournalShape()), options,
            record => RemoveItem.Read(record, names, connection.Service),
            batch => Confirmation.ShouldContinue(this, Force, BatchPrompt.Users(batch.Select(i => i.UserId).ToList()), "Remove attributes " + BatchPrompt.Names(batch.SelectMany(i => i.Names))),
            PassThru,
            stopCheck: (item, log) => registered.Check(item.Names, item.UserId, log, StopToken));
    }
}
