using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;

namespace TencentImAttr.Benchmark;

/// <summary>
/// An admin's command at the quota, in a fresh pwsh: Import-Module, Connect-ImApp, then one command against the bench
/// server at the run's latency and quota. Reports users/s (from the command's start to its end), the pwsh process's CPU
/// over the command, the most calls in any second, and the time from Import-Module to the first call at the server
/// (Stopwatch ticks are the system's monotonic clock, so pwsh's stamp and the server's compare). With a second build,
/// processes alternate between the builds.
/// <list type="bullet">
/// <item><c>set_producer</c>: <c>1..N | ForEach-Object { [pscustomobject]@{ UserId = "user$_"; tier = 'gold' } } | Set-ImUserAttribute</c>.
/// The rows are made while the command runs, on the same thread that reads them, so the module's CPU on the pipeline
/// thread decides how close to the quota the run gets (issue 25's 20,000-user producer run).</item>
/// <item><c>set_csv</c>: <c>Import-Csv users.csv | Set-ImUserAttribute</c>, the file read as the command runs.</item>
/// <item><c>get</c>, <c>remove</c>, <c>tag_add</c>: ids made before the clock starts, piped to
/// <c>Get-ImUserAttribute | Out-Null</c>, <c>Remove-ImUserAttribute -Name tier</c>, <c>Add-ImUserTag -Tag vip</c>.</item>
/// </list>
/// </summary>
internal static class ProducerRun
{
    private const string Script = """
        param([string] $Module, [int] $Port, [int] $Users, [string] $Key, [string] $Op, [string] $Csv, [int] $ThrottleLimit)
        $ErrorActionPreference = 'Stop'
        $throttle = if ($ThrottleLimit -gt 0) { @{ ThrottleLimit = $ThrottleLimit } } else { @{} }
        $importStamp = [System.Diagnostics.Stopwatch]::GetTimestamp()
        Import-Module $Module
        Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -SecretKey (ConvertTo-SecureString $Key -AsPlainText -Force) -BaseUri "http://127.0.0.1:$Port/" -SkipCheck @throttle
        if ($Op -in 'get', 'remove', 'tag_add') { $ids = [string[]](1..$Users | ForEach-Object { "user$_" }) }
        $me = [System.Diagnostics.Process]::GetCurrentProcess()
        $me.Refresh(); $cpu = $me.TotalProcessorTime
        $startStamp = [System.Diagnostics.Stopwatch]::GetTimestamp()
        $pause = [GC]::GetTotalPauseDuration(); $gc0 = [GC]::CollectionCount(0); $gc1 = [GC]::CollectionCount(1); $gc2 = [GC]::CollectionCount(2)
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        switch ($Op) {
            'set_producer' { 1..$Users | ForEach-Object { [pscustomobject]@{ UserId = "user$_"; tier = 'gold' } } | Set-ImUserAttribute -ErrorAction SilentlyContinue -ErrorVariable failed }
            'set_csv' { Import-Csv $Csv | Set-ImUserAttribute -ErrorAction SilentlyContinue -ErrorVariable failed }
            'get' { $ids | Get-ImUserAttribute -ErrorAction SilentlyContinue -ErrorVariable failed | Out-Null }
            'remove' { $ids | Remove-ImUserAttribute -Name tier -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed }
            'tag_add' { $ids | Add-ImUserTag -Tag vip -ErrorAction SilentlyContinue -ErrorVariable failed }
        }
        $watch.Stop()
        $me.Refresh()
        'PRODUCER elapsed_ms={0} cpu_ms={1} errors={2} import_stamp={3} start_stamp={4} gc_pause_ms={5} gcs={6}/{7}/{8}' -f $watch.Elapsed.TotalMilliseconds, ($me.TotalProcessorTime - $cpu).TotalMilliseconds, $failed.Count, $importStamp, $startStamp, ([GC]::GetTotalPauseDuration() - $pause).TotalMilliseconds, ([GC]::CollectionCount(0) - $gc0), ([GC]::CollectionCount(1) - $gc1), ([GC]::CollectionCount(2) - $gc2)
        """;

    internal sealed record Figures(double UsersPerSecond, double CpuUsPerUser, int MaxInSecond, long RateLimited, double FirstCallMs, long Errors);

    /// <summary>The 20,000-user Set from a producer: <paramref name="rounds"/> processes per build; prints each and returns the RESULT fields (best users/s of each build).</summary>
    public static string Run(BenchServer server, int users, int latencyMs, int quota, int rounds, string? modulePath, string? baselineModule, int? throttle)
    {
        Console.WriteLine("Set from a ForEach-Object producer of [pscustomobject] rows, {0:N0} users, {1} ms, quota {2} (a fresh pwsh per run)", users, latencyMs, quota);
        var figures = Measure(server, "set_producer", users, latencyMs, quota, rounds, modulePath, baselineModule, throttle);
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

    /// <summary>
    /// Issue 25's runs at the quota: every operation over <paramref name="users"/> users at <paramref name="latencyMs"/>,
    /// then Set from the CSV at <paramref name="slowLatencyMs"/>, a fresh pwsh per run, best of <paramref name="rounds"/>
    /// per build (<paramref name="only"/>: just the runs named <c>op@latency</c>, as <c>set_csv@300</c>). Returns the RESULT fields <c>pwsh_quota_{op}_{latency}ms_users_per_s</c> (and <c>base_</c> ones).
    /// </summary>
    public static string RunAtQuota(BenchServer server, int users, int latencyMs, int slowLatencyMs, int quota, int rounds, string? modulePath, string? baselineModule, int? throttle, IReadOnlyCollection<string>? only = null)
    {
        Console.WriteLine("Every operation at the quota through pwsh: {0:N0} users, quota {1}, -ThrottleLimit {2}, a fresh pwsh per run, best of {3} per build", users, quota, throttle?.ToString(CultureInfo.InvariantCulture) ?? "each build's default", rounds);
        var csv = Path.Combine(Path.GetTempPath(), "TencentImAttr.Benchmark." + Guid.NewGuid().ToString("N") + ".csv");
        using (var writer = new StreamWriter(csv))
        {
            writer.WriteLine("UserId,tier");
            for (var i = 1; i <= users; i++) writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"user{i},gold"));
        }
        var fields = "";
        try
        {
            var runs = new[] { ("set_producer", latencyMs), ("set_csv", latencyMs), ("get", latencyMs), ("remove", latencyMs), ("tag_add", latencyMs), ("set_csv", slowLatencyMs) };
            foreach (var (op, latency) in runs)
            {
                if (only is { Count: > 0 } && !only.Contains(op + "@" + latency.ToString(CultureInfo.InvariantCulture))) continue;
                Console.WriteLine(" {0} at {1} ms:", op, latency);
                foreach (var (name, list) in Measure(server, op, users, latency, quota, rounds, modulePath, baselineModule, throttle, csv))
                {
                    if (list.Count == 0) continue;
                    var prefix = name == "new" ? "" : "base_";
                    fields += string.Format(CultureInfo.InvariantCulture, " {0}pwsh_quota_{1}_{2}ms_users_per_s={3:F0} {0}pwsh_quota_{1}_{2}ms_max_calls_in_1s={4}",
                        prefix, op, latency, list.Max(f => f.UsersPerSecond), list.Max(f => f.MaxInSecond));
                }
            }
        }
        finally
        {
            File.Delete(csv);
        }
        Console.WriteLine();
        return fields;
    }

    /// <summary>When the 1st, 100th, 101st, 500th and last calls arrived, in ms after <paramref name="start"/>: where a run loses time to the quota's ideal.</summary>
    private static string Timeline(long[] arrivals, long start)
    {
        string At(int index) => index < arrivals.Length ? string.Format(CultureInfo.InvariantCulture, "#{0} {1:N0}", index + 1, (arrivals[index] - start) * 1000.0 / Stopwatch.Frequency) : "";
        return string.Join(", ", new[] { 0, 1, 10, 20, 50, 99, 100, 499, arrivals.Length - 1 }.Where(i => i >= 0 && i < arrivals.Length).Distinct().Select(At));
    }

    private static Dictionary<string, List<Figures>> Measure(BenchServer server, string op, int users, int latencyMs, int quota, int rounds, string? modulePath, string? baselineModule, int? throttle, string csv = "")
    {
        var pwsh = PwshWithModule.Find(modulePath, out var why);
        var baseline = baselineModule is null ? null : PwshWithModule.Find(baselineModule, out why);
        if (pwsh is null || (baselineModule is not null && baseline is null))
        {
            Console.WriteLine("  skipped: {0}", why);
            return new Dictionary<string, List<Figures>>();
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
                    output = build.Run(Script, "-Port", server.Port.ToString(CultureInfo.InvariantCulture), "-Users", users.ToString(CultureInfo.InvariantCulture), "-Key", BenchServer.App.SecretKey,
                        "-Op", op, "-Csv", csv, "-ThrottleLimit", (throttle ?? 0).ToString(CultureInfo.InvariantCulture));
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    Console.WriteLine("  {0}: failed: {1}", name, e.Message);
                    continue;
                }
                var seen = server.TakeStats();
                var match = Regex.Match(output, @"PRODUCER elapsed_ms=([\d.]+) cpu_ms=([\d.]+) errors=(\d+) import_stamp=(\d+) start_stamp=(\d+)");
                if (!match.Success)
                {
                    Console.WriteLine("  {0}: no figures: {1}", name, output.Trim());
                    continue;
                }
                double Number(int group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
                var firstCallMs = seen.Arrivals.Length > 0 ? (seen.Arrivals[0] - long.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture)) * 1000.0 / Stopwatch.Frequency : double.NaN;
                var f = new Figures(users / (Number(1) / 1000), Number(2) * 1000 / users, seen.MaxCallsInAnySecond, seen.RateLimited, firstCallMs, (long)Number(3));
                figures[name].Add(f);
                var start = long.Parse(match.Groups[5].Value, CultureInfo.InvariantCulture);
                var gc = Regex.Match(output, @"gc_pause_ms=([\d.]+) gcs=(\d+)/(\d+)/(\d+)");
                Console.WriteLine("  {0,-8} arrivals after the command's start, ms: {1}; the command took {2:N0}{3}", name, Timeline(seen.Arrivals, start), Number(1),
                    gc.Success ? string.Format(CultureInfo.InvariantCulture, "; GC paused pwsh {0:N0} ms in {1}/{2}/{3} collections (gen 0/1/2)", double.Parse(gc.Groups[1].Value, CultureInfo.InvariantCulture), gc.Groups[2].Value, gc.Groups[3].Value, gc.Groups[4].Value) : "");
                Console.WriteLine("  {0,-8} {1,8:N0} users/s, pwsh CPU {2,6:N1} us/user over the command, max {3} calls in 1 s, {4} answers of 60007, {5} errors; Import-Module to first call {6:N0} ms",
                    name, f.UsersPerSecond, f.CpuUsPerUser, f.MaxInSecond, f.RateLimited, f.Errors, f.FirstCallMs);
                Thread.Sleep(1_500);
            }
        }
        return figures;
    }
}
