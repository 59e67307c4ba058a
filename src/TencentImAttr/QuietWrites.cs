using System;
using System.Management.Automation;
using TencentImAttr.Core.Api;

namespace TencentImAttr;

/// <summary>
/// The module's verbose, warning and debug lines (a call log's lines, the -Debug wire trace), written on the pipeline
/// thread, without ever asking "Continue with this operation?".
/// </summary>
/// <remarks>
/// Why: PowerShell itself sets the verbose and warning preferences of a compiled cmdlet to Inquire when -Debug is
/// given (PowerShell 7.6 as well; only the debug preference became Continue in PowerShell 7, and stays Inquire in
/// Windows PowerShell 5.1). So `Set-ImUserAttribute -Debug` asked once per call's verbose line, and with
/// <c>pwsh -File</c> and no input the console host read no answer and failed each line with a NullReferenceException
/// (under -NonInteractive: "Read and Prompt functionality is not available"). A question per HTTP attempt helps
/// nobody: where a preference is Inquire, the line goes to the Debug stream when that one shows without asking, else
/// to the host as Continue would show it, and the command goes on. -Verbose given with -Debug keeps verbose lines as
/// they are (PowerShell then uses Continue).
/// </remarks>
internal static class QuietWrites
{
    /// <summary>Whether the command's debug lines are shown: -Debug, or a $DebugPreference that shows them.</summary>
    public static bool TraceWanted(PSCmdlet cmdlet) => DebugPreference(cmdlet) is not (ActionPreference.SilentlyContinue or ActionPreference.Ignore);

    /// <summary>Writes what a call log holds, oldest first: its lines as Verbose, its wire trace as Debug.</summary>
    public static void WriteAll(PSCmdlet cmdlet, QueuedCallLog log)
    {
        foreach (var line in log.Drain())
        {
            if (line.Debug) Debug(cmdlet, line.Text);
            else Verbose(cmdlet, line.Text);
        }
    }

    /// <summary>A verbose line, never asking.</summary>
    public static void Verbose(PSCmdlet cmdlet, string line)
    {
        if (VerbosePreference(cmdlet) != ActionPreference.Inquire) cmdlet.WriteVerbose(line);
        else if (DebugPreference(cmdlet) is ActionPreference.Continue) cmdlet.WriteDebug(line);
        else ToHost(cmdlet, ui => ui.WriteVerboseLine(line));
    }

    /// <summary>A warning, never asking.</summary>
    public static void Warning(PSCmdlet cmdlet, string line)
    {
        if (Preference(cmdlet, "WarningAction", "WarningPreference", ActionPreference.Inquire) != ActionPreference.Inquire) cmdlet.WriteWarning(line);
        else ToHost(cmdlet, ui => ui.WriteWarningLine(line));
    }

    /// <summary>A debug line (the wire trace), never asking.</summary>
    public static void Debug(PSCmdlet cmdlet, string line)
    {
        if (DebugPreference(cmdlet) != ActionPreference.Inquire) cmdlet.WriteDebug(line);
        else ToHost(cmdlet, ui => ui.WriteDebugLine(line));
    }

    private static void ToHost(PSCmdlet cmdlet, Action<System.Management.Automation.Host.PSHostUserInterface> write)
    {
        if (cmdlet.Host?.UI is not { } ui) return;
        try
        {
            write(ui);
        }
        catch (NotImplementedException)
        {
            // A host without a console: nothing would show the line there.
        }
    }

    private static ActionPreference VerbosePreference(PSCmdlet cmdlet)
    {
        var bound = cmdlet.MyInvocation.BoundParameters;
        if (bound.TryGetValue("Verbose", out var verbose)) return verbose is SwitchParameter { IsPresent: true } ? ActionPreference.Continue : ActionPreference.SilentlyContinue;
        return Preference(cmdlet, null, "VerbosePreference", ActionPreference.Inquire);
    }

    private static ActionPreference DebugPreference(PSCmdlet cmdlet)
    {
        if (cmdlet.MyInvocation.BoundParameters.TryGetValue("Debug", out var given))
        {
            if (given is SwitchParameter { IsPresent: false }) return ActionPreference.SilentlyContinue;
            // -Debug: Continue in PowerShell 7 (.NET 5 and later), Inquire in Windows PowerShell 5.1 (.NET Framework 4).
            return Environment.Version.Major >= 5 ? ActionPreference.Continue : ActionPreference.Inquire;
        }
        return FromVariable(cmdlet, "DebugPreference");
    }

    /// <summary>A stream's preference: its -xxxAction, else what -Debug imposes (<paramref name="underDebug"/>), else its variable.</summary>
    private static ActionPreference Preference(PSCmdlet cmdlet, string? actionParameter, string variable, ActionPreference underDebug)
    {
        var bound = cmdlet.MyInvocation.BoundParameters;
        if (actionParameter is not null && bound.TryGetValue(actionParameter, out var action) && LanguagePrimitives.TryConvertTo(action, out ActionPreference given)) return given;
        if (bound.TryGetValue("Debug", out var debug) && debug is SwitchParameter { IsPresent: true }) return underDebug;
        return FromVariable(cmdlet, variable);
    }

    private static ActionPreference FromVariable(PSCmdlet cmdlet, string variable) =>
        LanguagePrimitives.TryConvertTo(cmdlet.GetVariableValue(variable), out ActionPreference value) ? value : ActionPreference.SilentlyContinue;
}
