using System;
using System.Linq;
using System.Management.Automation;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
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
/// The output can be piped back into Set-ImUserAttribute, for example to copy attributes to another app. With -AsRow
/// it is flat rows instead (UserId and one column per registered name), which Export-Csv writes as they are and
/// Import-Csv | Set-ImUserAttribute reads back. $_.Attributes.City finds city, as in a hashtable, unless the app holds
/// names that differ only in case.
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
/// Export to CSV, and restore from it
/// <code>
/// Get-Content ids.txt | Get-ImUserAttribute -AsRow | Export-Csv attributes.csv -NoTypeInformation
/// Import-Csv attributes.csv | Set-ImUserAttribute
/// </code>
/// -AsRow writes one flat row per user: UserId, then one column per attribute name the app has registered, empty
/// where the user has no value. The second line sets exactly those values again (empty cells set nothing). Without
/// -AsRow, Export-Csv would write the Attributes table's type name instead of its contents. A value that begins with
/// =, +, - or @ runs as a formula when the file is opened in a spreadsheet: open it as data (Excel: Data, From
/// Text/CSV, every column typed Text), not by double-clicking it.
/// </example>
/// <example>
/// Save the tables, and restore exactly what was read
/// <code>
/// Get-Content ids.txt | Get-ImUserAttribute | Export-Clixml attributes.xml
/// Import-Clixml attributes.xml | Set-ImUserAttribute
/// Get-Content ids.txt | Get-ImUserAttribute | ConvertTo-Json | Set-Content attributes.json
/// Get-Content attributes.json -Raw | ConvertFrom-Json -AsHashtable -DateKind String | Set-ImUserAttribute
/// </code>
/// Both keep the Attributes tables, names that differ only in case included, and write back exactly the texts that
/// were read (dates, numbers with leading zeros, any Unicode). Export-Clixml works on every PowerShell; the JSON form
/// needs PowerShell 7.5 or later for -DateKind String. Plain ConvertFrom-Json makes dates of date-like texts (and
/// refuses names that differ only in case): a date object in an Attributes table is refused (AttributeTableDate)
/// rather than written back in another format.
/// </example>
/// <parameter name="UserId">
/// The users to read. Each user gets one answer object, in the order given.
/// An array given here is built whole before the command starts (-UserId (Get-Content ids.txt) reads the whole file first); pipe the ids instead (Get-Content ids.txt | ...) to stream them.
/// </parameter>
/// <parameter name="InputObject">
/// A user from the pipeline: a user id, or an object (a row of Import-Csv, the output of Get-ImUserAttribute, a
/// hashtable) that names its user in a UserId, To_Account or Account property. An object that names no user is
/// reported as an error, not sent.
/// </parameter>
[Cmdlet(VerbsCommon.Get, "ImUserAttribute", HelpUri = HelpLinks.CmdletPages + "Get-ImUserAttribute.md", DefaultParameterSetName = ByUserId)]
[OutputType(typeof(UserAttributes))]
public sealed class GetImUserAttributeCommand : ImBulkCmdlet
{
    #region Parameters

    /// <summary>
    /// Writes each user as a flat row instead: UserId, then one column per attribute name the app has registered
    /// (read once per command), empty where not set. Export-Csv writes these rows as they are, and Import-Csv |
    /// Set-ImUserAttribute restores exactly the values they hold.
    /// </summary>
    [Parameter]
    public SwitchParameter AsRow { get; set; }

    #endregion

    private AttributeRowWriter? _rows;

    /// <summary>Starts the run; with -AsRow, reads the app's attribute names first (the rows' columns).</summary>
    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (!AsRow) return;
        var names = RunCall((log, token) => AppAttributeNames.GetAsync(ActiveConnection, log, token));
        _rows = AttributeRowWriter.For(names.Select(n => n.Name).ToList(), out var problem, ActiveConnection.Scrub);
        if (_rows is null)
        {
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException(problem), ErrorIds.AsRowNamesNotColumns, ErrorCategory.InvalidData, null));
        }
    }

    private protected override IBulkRun Start(ImConnection connection, EngineOptions options, int? maxRetry) =>
        new BulkRun<GetItem, UserAttributes>(this, BulkOperations.Get(connection, maxRetry), options,
            record => GetItem.Read(record, connection.Service), approve: null, writeResults: true,
            present: result => _rows is null ? result : _rows.ToRow(result));
}
