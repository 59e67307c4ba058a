using System;

namespace TencentImAttr;

/// <summary>
/// Which PowerShell the module runs on: Windows PowerShell 5.1 (.NET Framework, with the module's own
/// System.Text.Json) and PowerShell 7.4 or later (whose System.Text.Json 8.0 the module binds to). PowerShell 6 and
/// 7.0-7.3 carry an older System.Text.Json, which would fail with an assembly-load error at the first call; the manifest
/// cannot say "5.1 or 7.4+" (PowerShellVersion is one minimum), so the module checks when it is imported.
/// </summary>
internal static class SupportedPowerShell
{
    /// <summary>The first PowerShell 7 the module supports.</summary>
    public static readonly Version FirstCore = new(7, 4);

    /// <summary>The supported versions, as messages and the README name them.</summary>
    public const string Versions = "Windows PowerShell 5.1 and PowerShell 7.4 or later";

    /// <summary>
    /// Why the module cannot run here, or null when it can. Only the PowerShell versions known to carry an older
    /// System.Text.Json (6.x, 7.0-7.3) are refused; any other version is let through (there is no PowerShell on .NET
    /// before 6, and the reference assembly the tests compile against calls itself 3.0).
    /// </summary>
    /// <param name="isNetFramework">Windows PowerShell (.NET Framework): always supported (5.1 is the manifest's minimum).</param>
    /// <param name="powerShellVersion">PowerShell's version (System.Management.Automation's: 7.2.0.500 for 7.2.x).</param>
    public static string? Problem(bool isNetFramework, Version? powerShellVersion)
    {
        if (isNetFramework || powerShellVersion is null) return null;
        var tooOld = powerShellVersion.Major == 6 || (powerShellVersion.Major == FirstCore.Major && powerShellVersion.Minor < FirstCore.Minor);
        if (!tooOld) return null;
        return $"TencentImAttr supports {Versions}; this is PowerShell {powerShellVersion.Major}.{powerShellVersion.Minor}, "
            + "whose System.Text.Json is older than the version 8.0 the module needs. Install PowerShell 7.4 or later (https://aka.ms/powershell), or use Windows PowerShell 5.1.";
    }
}
