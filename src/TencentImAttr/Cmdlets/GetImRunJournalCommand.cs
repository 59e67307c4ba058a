using System;
using System.IO;
using System.Management.Automation;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Reads a run journal (written by a write command's -JournalPath): its header, then one object per item, each
/// joining what the run meant to change for the user and what the user held before with what became of it.
/// </summary>
/// <remarks>
/// The journal is read as it streams, in flat memory, and may be read while its run still writes it. An item whose
/// call was sent and whose outcome is not in the file (the process ended first) has the outcome Unrecorded: it may
/// have been applied. A torn last line (a process killed mid-write) is skipped with a warning. A file that is not a
/// journal, of a newer format, or edited into an invalid line is a JournalInvalid error naming the file and the line.
/// Names that differ only in case are kept apart. The format is described in docs/journal.md.
/// </remarks>
/// <example>
/// The users last night's run did not finish
/// <code>
/// Import-Csv users.csv | Set-ImUserAttribute -JournalPath run.jsonl
/// Get-ImRunJournal run.jsonl | Where-Object { $_ -is [TencentImAttr.Models.RunJournalRecord] -and $_.Outcome -ne 'Done' } | Export-Csv notdone.csv -NoTypeInformation
/// </code>
/// The first line writes the run and its journal; the second writes every item that failed, was not sent, declined,
/// rejected or of unknown outcome to notdone.csv, with its user and error id (here none: the file has only a header).
/// </example>
/// <example>
/// What the run changed for one user
/// <code>
/// Set-ImUserAttribute -UserId alice, bob -Attribute @{ tier = 'silver' } -JournalPath nightly.jsonl
/// Get-ImRunJournal nightly.jsonl | Where-Object UserId -eq 'alice' | Format-List Change, Prior, Outcome
/// </code>
/// Shows the change meant for alice (set tier=silver), the value she held before (tier=gold), and whether it was done.
/// </example>
[Cmdlet(VerbsCommon.Get, "ImRunJournal", HelpUri = HelpLinks.CmdletPages + "Get-ImRunJournal.md")]
[OutputType(typeof(RunJournalHeader), typeof(RunJournalRecord))]
public sealed class GetImRunJournalCommand : PSCmdlet
{
    #region Parameters

    /// <summary>The journal's file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    #endregion

    #region Overrides

    /// <summary>Streams the journal's header and items.</summary>
    protected override void ProcessRecord()
    {
        var path = RunJournals.ExistingJournal(this, Path, nameof(Path));
        try
        {
            foreach (var entry in JournalReader.Read(path, line => WriteWarning($"The journal '{path}' ends with a torn line {line} (its process ended mid-write); it was skipped.")))
            {
                WriteObject(entry);
            }
        }
        catch (ImInputException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidData, path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.JournalInvalid, ErrorCategory.ReadError, path));
        }
    }

    #endregion
}
