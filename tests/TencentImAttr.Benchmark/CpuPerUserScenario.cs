using System;
using System.Globalization;
using System.Linq;

namespace TencentImAttr.Benchmark;

/// <summary>
/// The module's CPU cost per user through the cmdlets, in a pwsh process: the process's CPU time for a run through
/// Set-ImUserAttribute (rows from the pipeline) and Get-ImUserAttribute (-UserId array), minus the CPU time of
/// producing the same input in PowerShell alone and sending it to Out-Null. The quota is lifted on both sides and the
/// server adds no latency, so the figure is CPU, not waiting; the server runs in this process, not in pwsh's.
/// </summary>
internal static class CpuPerUserScenario
{
    private const int Rounds = 3;

    // Each figure is the least of three rounds (the machine may be shared): CPU milliseconds of the input alone and
    // of the same input through the cmdlet.
    private const string Script = """
        param([string] $Module, [int] $Port, [int] $Users, [string] $Key)
        $ErrorActionPreference = 'Stop'
        Import-Module $Module
        $secret = ConvertTo-SecureString $Key -AsPlainText -Force
        Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -SecretKey $secret -BaseUri "http://127.0.0.1:$Port/" -CallsPerSecond 0
        $me = [System.Diagnostics.Process]::GetCurrentProcess()
        function Measure-Cpu([scriptblock] $Body) {
            [GC]::Collect()
            $me.Refresh(); $before = $me.TotalProcessorTime
            $null = & $Body
            $me.Refresh(); ($me.TotalProcessorTime - $before).TotalMilliseconds
        }
        $rows = { param($n) 1..$n | ForEach-Object { [pscustomobject]@{ UserId = "user$_"; tier = 'gold' } } }
        # Warm-up: the JIT and the connection's paths.
        & $rows 2000 | Set-ImUserAttribute
        Get-ImUserAttribute -UserId (1..2000 | ForEach-Object { "user$_" }) | Out-Null
        $ids = 1..$Users | ForEach-Object { "user$_" }
        $set = foreach ($round in 1..__ROUNDS__) { [pscustomobject]@{ Input = (Measure-Cpu { & $rows $Users | Out-Null }); Run = (Measure-Cpu { & $rows $Users | Set-ImUserAttribute }) } }
        $get = foreach ($round in 1..__ROUNDS__) { [pscustomobject]@{ Input = (Measure-Cpu { $ids | ForEach-Object { $_ } | Out-Null }); Run = (Measure-Cpu { Get-ImUserAttribute -UserId $ids | Out-Null }) } }
        'set {0} {1} {2}' -f ($set.Input | Measure-Object -Minimum).Minimum, ($set.Run | Measure-Object -Minimum).Minimum, $Users
        'get {0} {1} {2}' -f ($get.Input | Measure-Object -Minimum).Minimum, ($get.Run | Measure-Object -Minimum).Minimum, $Users
        """;

    /// <summary>Prints the figures; returns the machine line's fields ("" when pwsh or the module is not there).</summary>
    public static string Run(BenchServer server, int users, string? modulePath)
    {
        Console.WriteLine("CPU per user through the cmdlets (pwsh, quota lifted, no latency, {0:N0} users, least of {1} rounds)", users, Rounds);
        var pwsh = PwshWithModule.Find(modulePath, out var why);
        if (pwsh is null)
        {
            Console.WriteLine("  skipped: {0}", why);
            Console.WriteLine();
            return "";
        }
        Console.WriteLine("  module: {0}", pwsh.ModulePath);
        server.LatencyMs = 0;
        server.Quota = 0;
        string output;
        try
        {
            output = pwsh.Run(Script.Replace("__ROUNDS__", Rounds.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal),
                "-Port", server.Port.ToString(CultureInfo.InvariantCulture), "-Users", users.ToString(CultureInfo.InvariantCulture), "-Key", BenchServer.App.SecretKey);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // A figure, not a test: the other figures of the run still stand.
            Console.WriteLine("  failed: {0}", e.Message);
            Console.WriteLine();
            return "";
        }
        var fields = "";
        foreach (var line in output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("set ", StringComparison.Ordinal) || l.StartsWith("get ", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ');
            var inputMs = double.Parse(parts[1], CultureInfo.InvariantCulture);
            var runMs = double.Parse(parts[2], CultureInfo.InvariantCulture);
            var count = double.Parse(parts[3], CultureInfo.InvariantCulture);
            var module = (runMs - inputMs) * 1000 / count;
            var title = parts[0] == "set" ? "Set-ImUserAttribute, rows from the pipeline" : "Get-ImUserAttribute -UserId (array)";
            Console.WriteLine("  {0,-44} input alone {1,6:N1} us/user, with the cmdlet {2,6:N1} us/user: module {3,6:N1} us/user",
                title, inputMs * 1000 / count, runMs * 1000 / count, module);
            fields += string.Format(CultureInfo.InvariantCulture, " {0}_cpu_us_per_user={1:F1}", parts[0], module);
        }
        Console.WriteLine();
        return fields;
    }
}
