using System;
using System.Management.Automation;
using TencentImAttr.Core.Api;

namespace TencentImAttr;

/// <summary>
/// How a call log reaches PowerShell, on the pipeline thread: its lines as Verbose, its wire trace (-Debug) as Debug.
/// </summary>
/// <remarks>
/// The wire trace never asks. Under $DebugPreference = 'Inquire' (what -Debug sets in Windows PowerShell 5.1, and
/// what a script may set in PowerShell 7, where -Debug sets Continue) each WriteDebug asks "Continue with this
/// operation?"; with <c>pwsh -File</c> and no input, PowerShell's console host read the answer from a closed stdin
/// and failed each line with a NullReferenceException (under -NonInteractive: "Read and Prompt functionality is not
/// available"). A question per HTTP attempt is no use to anyone, so under Inquire the trace is written to the host
/// as Continue would show it, and the run goes on.
/// </remarks>
internal static class CallLogLines
{
    /// <summary>Whether the command's debug lines are shown: -Debug, or a $DebugPreference that shows them.</summary>
    public static bool TraceWanted(PSCmdlet cmdlet) => DebugPreference(cmdlet) is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore);

    /// <summary>Writes what the log holds, oldest first.</summary>
    public static void WriteAll(PSCmdlet cmdlet, QueuedCallLog log)
    {
        foreach (var line in log.Drain())
        {
            if (line.Debug) WriteDebug(cmdlet, line.Text);
            else cmdlet.WriteVerbose(line.Text);
        }
    }

    /// <summary>Writes a trace line on the Debug stream, without asking (see the remarks).</summary>
    public static void WriteDebug(PSCmdlet cmdlet, string line)
    {
        if (DebugPreference(cmdlet) != ActionPreference.Inquire)
        {
            cmdlet.WriteDebug(line);
            return;
        }
        try
        {
            cmdlet.Host?.UI?.WriteDebugLine(line);
        }
        catch (NotImplementedException)
        {
            // A host without a console: nothing shows debug lines there.
        }
    }

    private static ActionPreference DebugPreference(PSCmdlet cmdlet)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue("Debug", out var given))
        {
            if (given is SwitchParameter { IsPresent: false }) return ActionPreference.SilentlyContinue;
            // -Debug: Continue in PowerShell 7, Inquire in Windows PowerShell 5.1.
            return Environment.Version.Major >= 5 ? ActionPreference.Continue : ActionPreference.Inquire;
        }
        return LanguagePrimitives.TryConvertTo(cmdlet.GetVariableValue("DebugPreference"), out ActionPreference value) ? value : ActionPreference.SilentlyContinue;
    }
}
