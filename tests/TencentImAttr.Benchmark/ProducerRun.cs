using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;

namespace TencentImAttr.Benchmark;

/// <summary>
/// An admin's Set at the quota, in a fresh pwsh: Import-Module, Connect-ImApp, then
/// <c>1..N | ForEach-Object { [pscustomobject]@{ UserId = "user$_"; tier = 'gold' } } | Set-ImUserAttribute</c>, against
/// the bench server at the run's latency and quota. The rows are made while the command runs, on the same thread that
/// reads them, so the module's CPU on the pipeline thread decides how close to the quota the run gets. Reports users/s
/// (from the command's start to its end), the pwsh process's CPU over the command, the most calls in any second, and the
/// time from Import-Module to the first call at the server (Stopwatch ticks are the system's monotonic clock, so pwsh's
/// stamp and the server's compare). With a second build, processes alternate between the builds.
/// </summary>
internal static class ProducerRun
{
    private const string Script = """
        param([string] $Module, [int] $Port, [int] $Users, [string] $Key)
        $ErrorActionPreference = 'Stop'
        $importStamp = [System.Diagnostics.Stopwatch]::GetTimestamp()
        Import-Module $Module
        Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -SecretKey (ConvertTo-SecureString $Key -AsPlainText -Force) -BaseUri "http://127.0.0.1:$Port/" -SkipCheck
        $me = [System.Diagnostics.Process]::GetCurrentProcess()
        $me.Refresh(); $cpu = $me.TotalProcessorTime
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        1..$Users | ForEach-Object { [pscustomobject]@{ UserId = "user$_"; tier = 'gold' } } | Set-ImUserAttribute -ErrorAction SilentlyContinue -ErrorVariable failed
        $watch.Stop()
        $me.Refresh()
        'PRODUCER elapsed_ms={0} cpu_ms={1} errors={2} import_stamp={3}' -f $watch.Elapsed.TotalMilliseconds, ($me.TotalProcessorTime - $cpu).TotalMilliseconds, $failed.Count, $importStamp
        """;

    internal sealed record Figures(double UsersPerSecond, double CpuUsPerUser, int MaxInSecond, long RateLimited, double FirstCallMs, long Errors);

    /// <summary>Runs <paramref name="rounds"/> processes per build; prints each and returns the RESULT fields (best users/s of each build).</summary>
    public static string Run(BenchServer server, int users, int latencyMs, int quota, int rounds, string? modulePath, string? baselineModule)
    {
        Console.WriteLine("Set from a ForEach-Object producer of [pscustomobject] rows, {0:N0} users, {1} ms, quota {2} (a fresh pwsh per run)", users, latencyMs, quota);
        var pwsh = PwshWithModule.Find(modulePath, out var why);
        var baseline = baselineModule is null ? null : PwshWithModule.Find(baselineModule, out why);
        if (pwsh is null || (baselineModule is not null && baseline is null))
        {
            Console.WriteLine("  skipped: {0}", why);
            Console.WriteLine();
            return "";
        }
        var builds = baseline is null ? new[] { ("new", pwsh) } : new[] { ("baseline", baseline), ("new", pwsh) };
        var figures = builds.ToDictionary(b => b.Item1, _ => new List<Figures>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, build) in round % 2 == 0 ? builds : builds.Reverse())
            {
                server.LatencyMs = latencyMs;
                server.Quota = quota;
                server.TakeStats();
                string output;
                try
                {
                    output = build.Run(Script, "-Port", server.Port.ToString(CultureInfo.InvariantCulture), "-Users", users.ToString(CultureInfo.InvariantCulture), "-Key", BenchServer.App.SecretKey);
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    Console.WriteLine("  {0}: failed: {1}", name, e.Message);
                    continue;
                }
                var seen = server.TakeStats();
                var match = Regex.Match(output, @"PRODUCER elapsed_ms=([\d.]+) cpu_ms=([\d.]+) errors=(\d+) import_stamp=(\d+)");
                if (!match.Success)
                {
                    Console.WriteLine("  {0}: no figures: {1}", name, output.Trim());
                    continue;
                }
                double Number(int group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
                var firstCallMs = seen.Arrivals.Length > 0 ? (seen.Arrivals[0] - long.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture)) * 1000.0 / Stopwatch.Frequency : double.NaN;
                var f = new Figures(users / (Number(1) / 1000), Number(2) * 1000 / users, seen.MaxCallsInAnySecond, seen.RateLimited, firstCallMs, (long)Number(3));
                figures[name].Add(f);
                Console.WriteLine("  {0,-8} {1,8:N0} users/s, pwsh CPU {2,6:N1} us/user over the command, max {3} calls in 1 s, {4} answers of 60007, {5} errors; Import-Module to first call {6:N0} ms",
                    name, f.UsersPerSecond, f.CpuUsPerUser, f.MaxInSecond, f.RateLimited, f.Errors, f.FirstCallMs);
                Thread.Sleep(1_500);
            }
        }
        Console.WriteLine();
        var fields = "";
        foreach (var (name, list) in figures)
        {
            if (list.Count == 0) continue;
            var prefix = name == "new" ? "" : "base_";
            var best = list.MaxBy(f => f.UsersPerSecond)!;
            fields += string.Format(CultureInfo.InvariantCulture, " {0}pwsh_producer_set_users_per_s={1:F0} {0}pwsh_producer_max_calls_in_1s={2} {0}pwsh_producer_cpu_us_per_user={3:F1} {0}pwsh_first_call_ms={4:F0}",
                prefix, best.UsersPerSecond, list.Max(f => f.MaxInSecond), list.Min(f => f.CpuUsPerUser), list.Min(f => f.FirstCallMs));
        }
        return fields;
    }
}
