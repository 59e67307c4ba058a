using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace TencentImAttr.Benchmark;

/// <summary>
/// The module's CPU cost per user through the cmdlets, in a pwsh process, as an admin's command pays it: for each
/// cmdlet, the process's CPU time for the input piped into the cmdlet, minus the CPU time of the same input piped into
/// Out-Null (PowerShell's own cost of producing and passing it). Five commands: Set from [pscustomobject] rows, Set
/// from Import-Csv rows, and Get, Remove and Add-ImUserTag from piped ids. The quota is lifted on both sides and the
/// server adds no latency, so the figure is CPU, not waiting; the server runs in this process, not in pwsh's.
/// </summary>
/// <remarks>
/// Each pwsh process imports the module, warms every command up (2,000 users each: the JIT and the connection's
/// paths, as a session that has already run a command), then measures <see cref="InnerRounds"/> rounds of every
/// command, input alone and through the cmdlet back to back. With a second build (--baseline-module), the processes
/// alternate between the two builds, so that both see the same load; each figure is the least over all rounds.
/// </remarks>
internal static class CpuPerUserScenario
{
    private const int InnerRounds = 2;

    private const string Script = """
        param([string] $Module, [int] $Port, [int] $Users, [string] $Key, [int] $Rounds, [string] $Csv, [switch] $Explain)
        $ErrorActionPreference = 'Stop'
        $me = [System.Diagnostics.Process]::GetCurrentProcess()
        function Get-Cpu { $me.Refresh(); $me.TotalProcessorTime.TotalMilliseconds }
        # The pipeline thread's own CPU (Linux: nanoseconds on a CPU, from the scheduler): what decides how fast the
        # pipeline goes, without the thread pool's work and idle spinning; -1 where the file is not there.
        $threadStat = '/proc/thread-self/schedstat'
        function Get-ThreadCpu { if (Test-Path $threadStat) { [double]([IO.File]::ReadAllText($threadStat).Split(' ')[0]) / 1e6 } else { -1 } }
        function Measure-Cpu([scriptblock] $Body) {
            [GC]::Collect()
            $before = Get-Cpu; $beforeThread = Get-ThreadCpu
            $null = & $Body
            $thread = Get-ThreadCpu
            '{0} {1}' -f ((Get-Cpu) - $before), ($(if ($beforeThread -ge 0) { $thread - $beforeThread } else { -1 }))
        }
        $rows = { param($n) 1..$n | ForEach-Object { [pscustomobject]@{ UserId = "user$_"; tier = 'gold' } } }
        $secret = ConvertTo-SecureString $Key -AsPlainText -Force
        if ($Explain) {
            # A fresh session's first command: Import-Module, Connect-ImApp and the JIT of every path are in it.
            $cold = Measure-Cpu {
                Import-Module $Module
                Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -SecretKey $secret -BaseUri "http://127.0.0.1:$Port/" -CallsPerSecond 0
                & $rows $Users | Set-ImUserAttribute
            }
        }
        else {
            Import-Module $Module
            Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -SecretKey $secret -BaseUri "http://127.0.0.1:$Port/" -CallsPerSecond 0
        }
        $ids = 1..$Users | ForEach-Object { "user$_" }
        $few = 1..2000 | ForEach-Object { "user$_" }
        # Each command: [input alone, input through the cmdlet]. Outputs (Get's results) go to Out-Null in both.
        $commands = [ordered]@{
            set_rows = { & $rows $Users | Out-Null }, { & $rows $Users | Set-ImUserAttribute }
            set_csv  = { Import-Csv $Csv | Out-Null }, { Import-Csv $Csv | Set-ImUserAttribute }
            get      = { $ids | Out-Null }, { $ids | Get-ImUserAttribute | Out-Null }
            remove   = { $ids | Out-Null }, { $ids | Remove-ImUserAttribute -Name tier -Confirm:$false }
            tag_add  = { $ids | Out-Null }, { $ids | Add-ImUserTag -Tag vip -Confirm:$false }
        }
        if ($Explain) {
            # What the earlier figure did differently, one thing at a time.
            $commands.set_rows_passthru = { & $rows $Users | Out-Null }, { & $rows $Users | Set-ImUserAttribute -PassThru | Out-Null }
            $commands.set_rows_noprogress = { & $rows $Users | Out-Null }, { $ProgressPreference = 'SilentlyContinue'; & $rows $Users | Set-ImUserAttribute }
            $commands.get_userid_array = { $ids | ForEach-Object { $_ } | Out-Null }, { Get-ImUserAttribute -UserId $ids | Out-Null }
            $commands.get_userid_array_plain = { $ids | Out-Null }, { Get-ImUserAttribute -UserId $ids | Out-Null }
            $commands.set_rows_throttle4 = { & $rows $Users | Out-Null }, { & $rows $Users | Set-ImUserAttribute -ThrottleLimit 4 }
            $commands.get_throttle4 = { $ids | Out-Null }, { $ids | Get-ImUserAttribute -ThrottleLimit 4 | Out-Null }
        }
        # Warm-up: every command's paths, on both sides.
        & $rows 2000 | Set-ImUserAttribute
        Import-Csv $Csv | Select-Object -First 2000 | Set-ImUserAttribute
        $few | Get-ImUserAttribute | Out-Null
        $few | Remove-ImUserAttribute -Name tier -Confirm:$false
        $few | Add-ImUserTag -Tag vip -Confirm:$false
        foreach ($round in 1..$Rounds) {
            foreach ($name in $commands.Keys) {
                $input_, $run = $commands[$name]
                $i, $it = (Measure-Cpu $input_).Split(' ')
                $r, $rt = (Measure-Cpu $run).Split(' ')
                'CPU {0} {1} {2} {3} {4} {5}' -f $name, $i, $r, $Users, $it, $rt
            }
        }
        if ($Explain) { 'CPU set_rows_cold 0 {0} {1} -1 -1' -f $cold.Split(' ')[0], $Users }
        """;

    /// <summary>The commands in the RESULT line's order, with their titles.</summary>
    private static readonly (string Key, string Title)[] Commands =
    {
        ("set_rows", "Set-ImUserAttribute, [pscustomobject] rows"),
        ("set_csv", "Set-ImUserAttribute, Import-Csv rows"),
        ("get", "Get-ImUserAttribute, piped ids"),
        ("remove", "Remove-ImUserAttribute -Name, piped ids"),
        ("tag_add", "Add-ImUserTag -Tag, piped ids"),
        ("set_rows_passthru", "(explain) Set, rows, -PassThru | Out-Null"),
        ("set_rows_noprogress", "(explain) Set, rows, progress off"),
        ("get_userid_array", "(explain) Get -UserId array, old subtraction"),
        ("get_userid_array_plain", "(explain) Get -UserId array, input piped"),
        ("set_rows_throttle4", "(explain) Set, rows, -ThrottleLimit 4"),
        ("get_throttle4", "(explain) Get, piped ids, -ThrottleLimit 4"),
        ("set_rows_cold", "(explain) Set, rows, first command of a session"),
    };

    /// <summary>
    /// Prints the figures; returns the machine line's fields ("" when pwsh or the module is not there). With
    /// <paramref name="baselineModule"/>, the same commands run through that build too, in alternating processes, and
    /// its figures print beside this build's (fields <c>base_pwsh_*</c>).
    /// </summary>
    public static string Run(BenchServer server, int users, int processes, string? modulePath, string? baselineModule = null, bool explain = false)
    {
        Console.WriteLine("CPU per user through the cmdlets (pwsh, quota lifted, no latency, {0:N0} users, least of {1} rounds in {2} process(es) per build)",
            users, processes * InnerRounds, processes);
        var pwsh = PwshWithModule.Find(modulePath, out var why);
        var baseline = baselineModule is null ? null : PwshWithModule.Find(baselineModule, out why);
        if (pwsh is null || (baselineModule is not null && baseline is null))
        {
            Console.WriteLine("  skipped: {0}", why);
            Console.WriteLine();
            return "";
        }
        Console.WriteLine("  module: {0}{1}", pwsh.ModulePath, baseline is null ? "" : "; baseline: " + baseline.ModulePath);
        server.LatencyMs = 0;
        server.Quota = 0;
        var csv = Path.Combine(Path.GetTempPath(), "TencentImAttr.Benchmark." + Guid.NewGuid().ToString("N") + ".csv");
        using (var writer = new StreamWriter(csv))
        {
            writer.WriteLine("UserId,tier");
            for (var i = 1; i <= users; i++) writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"user{i},gold"));
        }
        var mine = new Dictionary<string, Cpu>();
        var theirs = new Dictionary<string, Cpu>();
        try
        {
            for (var p = 0; p < processes; p++)
            {
                // Alternate which build goes first, so that neither always follows the other.
                var order = baseline is null ? new[] { (pwsh, mine) } : p % 2 == 0 ? new[] { (baseline, theirs), (pwsh, mine) } : new[] { (pwsh, mine), (baseline, theirs) };
                foreach (var (build, figures) in order)
                {
                    var arguments = new List<string> { "-Port", server.Port.ToString(CultureInfo.InvariantCulture), "-Users", users.ToString(CultureInfo.InvariantCulture),
                        "-Key", BenchServer.App.SecretKey, "-Rounds", InnerRounds.ToString(CultureInfo.InvariantCulture), "-Csv", csv };
                    if (explain) arguments.Add("-Explain");
                    Collect(build.Run(Script, arguments.ToArray()), figures);
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // A figure, not a test: the other figures of the run still stand.
            Console.WriteLine("  failed: {0}", e.Message);
            Console.WriteLine();
            return "";
        }
        finally
        {
            File.Delete(csv);
        }
        var fields = "";
        Console.WriteLine("  {0,-50} {1,9} {2,9} {3,9} {4,9}{5}", "us per user (least of the rounds)", "input", "with cmd", "module", "pipeline", baseline is null ? "" : "   | baseline: module  pipeline   new/baseline module  pipeline");
        foreach (var (key, title) in Commands)
        {
            if (!mine.TryGetValue(key, out var m)) continue;
            var line = string.Format(CultureInfo.InvariantCulture, "  {0,-50} {1,9:N1} {2,9:N1} {3,9:N1} {4,9:N1}", title, m.Input, m.Run, m.Module, m.Thread);
            fields += string.Format(CultureInfo.InvariantCulture, " pwsh_{0}_cpu_us_per_user={1:F1} pwsh_{0}_thread_us_per_user={2:F1}", key, m.Module, m.Thread);
            if (theirs.TryGetValue(key, out var t))
            {
                line += string.Format(CultureInfo.InvariantCulture, "   | {0,15:N1} {1,9:N1}   {2,19:N2} {3,9:N2}", t.Module, t.Thread, t.Module > 0 ? m.Module / t.Module : double.NaN, t.Thread > 0 ? m.Thread / t.Thread : double.NaN);
                fields += string.Format(CultureInfo.InvariantCulture, " base_pwsh_{0}_cpu_us_per_user={1:F1} base_pwsh_{0}_thread_us_per_user={2:F1}", key, t.Module, t.Thread);
            }
            Console.WriteLine(line);
        }
        Console.WriteLine("  (module = with cmd - input: the pwsh process's CPU that the command adds to PowerShell's own cost of producing the same");
        Console.WriteLine("  input and piping it to Out-Null; pipeline = the same difference for the pipeline thread alone, without the thread pool)");
        Console.WriteLine();
        return fields;
    }

    /// <summary>Least figures over the rounds, us per user: the process's CPU and the pipeline thread's, for the input alone and with the command.</summary>
    private sealed record Cpu(double Input, double Run, double InputThread, double RunThread)
    {
        public double Module => Run - Input;

        public double Thread => InputThread < 0 ? double.NaN : RunThread - InputThread;
    }

    /// <summary>Keeps, per command, the least of each figure (us per user) seen so far: each side's least, as a quiet round would give.</summary>
    private static void Collect(string output, Dictionary<string, Cpu> figures)
    {
        foreach (var line in output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("CPU ", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ');
            double PerUser(int index) => double.Parse(parts[index], CultureInfo.InvariantCulture) * 1000 / double.Parse(parts[4], CultureInfo.InvariantCulture);
            var now = new Cpu(PerUser(2), PerUser(3), PerUser(5), PerUser(6));
            figures[parts[1]] = figures.TryGetValue(parts[1], out var seen)
                ? new Cpu(Math.Min(seen.Input, now.Input), Math.Min(seen.Run, now.Run), Math.Min(seen.InputThread, now.InputThread), Math.Min(seen.RunThread, now.RunThread))
                : now;
        }
    }
}
