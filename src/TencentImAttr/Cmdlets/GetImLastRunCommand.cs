using System.Management.Automation;
using TencentImAttr.Models;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Returns the summary of the last run in this session (runspace), whether it ran to its end or was stopped: by
/// Ctrl+C, a downstream Select-Object -First, or -ErrorAction Stop. For a bulk command it is a BulkRunSummary; after
/// a stop its StopError property carries the stop's error, with the user ids it lists (Applied, Failed,
/// OutcomeUnknown, NotSent): after Ctrl+C too, whose cancelled calls' users are in OutcomeUnknown (their request may
/// have gone out) or NotSent. For Undo-ImRun it is a RunUndoSummary (Restored, Unchanged, Conflicts, Failed, Stopped,
/// StopError). The Operation property of both names the command.
/// </summary>
/// <remarks>
/// A bulk command writes its summary on the Information stream at its end. A command stopped by Ctrl+C cannot write
/// anything more (PowerShell refuses every write from a stopping pipeline); Get-ImLastRun gives its summary all the
/// same. It writes nothing when no bulk command nor Undo-ImRun has run in this runspace; each runspace (a
/// ForEach-Object -Parallel script block, a job) keeps its own.
/// </remarks>
/// <example>
/// See what a stopped import did
/// <code>
/// Set-ImUserAttribute -UserId alice, bob -Attribute @{ city = 'Shenzhen' }
/// Get-ImLastRun
/// </code>
/// Shows the run's summary: users in, done, failed per error id, retries, elapsed time; Stopped is True when the
/// command ended early (after Ctrl+C, say).
/// </example>
/// <example>
/// Send again the users a stop left unsent
/// <code>
/// $last = Get-ImLastRun
/// if ($last.StopError) { $last.StopError.NotSent | Set-ImUserAttribute -Attribute @{ city = 'Shenzhen' } }
/// </code>
/// After -ErrorAction Stop, Ctrl+C or a broken connection stopped a run, its StopError lists the users applied, failed,
/// of unknown outcome, and not sent.
/// </example>
[Cmdlet(VerbsCommon.Get, "ImLastRun", HelpUri = HelpLinks.CmdletPages + "Get-ImLastRun.md")]
[OutputType(typeof(BulkRunSummary), typeof(RunUndoSummary))]
public sealed class GetImLastRunCommand : PSCmdlet
{
    /// <summary>Writes the last run's summary, or nothing when no run was made in this runspace.</summary>
    protected override void EndProcessing()
    {
        if (LastRun.Of(RunspaceScope.Current) is { } summary) WriteObject(summary);
    }
}
