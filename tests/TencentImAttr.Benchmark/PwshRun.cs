using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

namespace TencentImAttr.Benchmark;

/// <summary>
/// Runs the built module's Set-ImUserAttribute in a pwsh process (the repository's tool manifest pins PowerShell)
/// against the bench server: what an admin runs, cmdlets, pipeline and all, rather than the engine in-process. The
/// server counts what arrives; pwsh reports its elapsed time and how many errors the command wrote.
/// </summary>
internal static class PwshRun
{
    /// <summary>The repository's root (where TencentImAttr.sln is), found upward from the benchmark's own folder.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TencentImAttr.sln"))) return dir.FullName;
        }
        return null;
    }

    /// <summary>Sets one attribute on <paramref name="users"/> users from a pipeline of ids made in pwsh.</summary>
    /// <returns>Elapsed time inside pwsh and the errors written, or null (with the reason printed) when pwsh could not run.</returns>
    public static (TimeSpan Elapsed, long Errors)? Set(BenchServer server, int users)
    {
        var root = RepositoryRoot();
        var module = root is null ? null : Path.Combine(root, "out", "TencentImAttr", "TencentImAttr.psd1");
        if (module is null || !File.Exists(module))
        {
            Console.WriteLine("  pwsh run skipped: the module is not built in out/TencentImAttr/.");
            return null;
        }
        var script = string.Join("; ",
            $"Import-Module '{module}'",
            "$watch = [System.Diagnostics.Stopwatch]::StartNew()",
            $"1..{users.ToString(CultureInfo.InvariantCulture)} | ForEach-Object {{ \"user$_\" }} | Set-ImUserAttribute -Attribute @{{ tier = 'gold' }} -ErrorAction SilentlyContinue -ErrorVariable failed",
            "$watch.Stop()",
            "\"PWSH elapsed_ms=$($watch.ElapsedMilliseconds) errors=$($failed.Count)\"");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", script }) start.ArgumentList.Add(arg);
        // The connection comes from the environment, as in a runbook: the key never appears on a command line.
        start.Environment["TENCENTIM_SDKAPPID"] = BenchServer.App.SdkAppId.ToString(CultureInfo.InvariantCulture);
        start.Environment["TENCENTIM_IDENTIFIER"] = BenchServer.App.Admin;
        start.Environment["TENCENTIM_SECRETKEY"] = BenchServer.App.SecretKey;
        start.Environment["TENCENTIM_BASEURI"] = $"http://127.0.0.1:{server.Port}/";
        using var process = Process.Start(start)!;
        var errorText = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var match = Regex.Match(output, @"PWSH elapsed_ms=(\d+) errors=(\d+)");
        if (process.ExitCode != 0 || !match.Success)
        {
            Console.WriteLine("  pwsh run failed (exit code {0}): {1}", process.ExitCode, (output + errorText.Result).Trim());
            return null;
        }
        return (TimeSpan.FromMilliseconds(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)),
            long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }
}
