using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Connection;

namespace TencentImAttr.Benchmark;

/// <summary>
/// Records when the process could not run: a dedicated thread sleeps 1 ms at a time and notes every wake-up that came
/// more than <see cref="Threshold"/> late (a collection of this process, or the system giving the cores to others),
/// with the collections' own pause time beside it. Runs beside the bench server, so that a window where the server saw
/// too many calls can be laid beside the moments its own process stood still.
/// </summary>
internal sealed class StallMeter : IDisposable
{
    private static readonly long Threshold = Stopwatch.Frequency / 100; // 10 ms
    private readonly Thread _thread;
    private readonly List<(long At, long Ticks)> _stalls = new();
    private readonly TimeSpan _pauseBefore = GC.GetTotalPauseDuration();
    private readonly int _gcsBefore = GC.CollectionCount(0);
    private volatile bool _stop;

    public StallMeter()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "stall meter" };
        _thread.Start();
    }

    /// <summary>The stalls so far: when each began (Stopwatch ticks) and how long it lasted.</summary>
    public (long At, long Ticks)[] Stalls
    {
        get { lock (_stalls) return _stalls.ToArray(); }
    }

    /// <summary>Time this process's collections paused it, and how many there were (gen0 and up), since the start.</summary>
    public (double PauseMs, int Collections) Collections => ((GC.GetTotalPauseDuration() - _pauseBefore).TotalMilliseconds, GC.CollectionCount(0) - _gcsBefore);

    private void Loop()
    {
        var last = Stopwatch.GetTimestamp();
        while (!_stop)
        {
            Thread.Sleep(1);
            var now = Stopwatch.GetTimestamp();
            // A sleep of 1 ms takes about 1.1 ms when the thread gets its core back at once.
            if (now - last > Threshold)
            {
                lock (_stalls) _stalls.Add((last, now - last));
            }
            last = now;
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}

/// <summary>What a server saw of one pwsh run, with the stalls of its own process.</summary>
internal sealed class ServerRecording
{
    public required long[] Arrivals { get; init; }
    public required uint[] Randoms { get; init; }
    public required long RateLimited { get; init; }
    public required (long At, long Ticks)[] Stalls { get; init; }
    public required double GcPauseMs { get; init; }
    public required int Collections { get; init; }
    public long Calls => Arrivals.Length;
    public int MaxCallsInAnySecond => ServerStats.MaxInWindow(Arrivals, Stopwatch.Frequency);
}

/// <summary>
/// The bench server in a process of its own (--pwsh-server child): the benchmark starts itself with --serve, which
/// hosts <see cref="BenchServer"/> with the quota and latency given, and a <see cref="StallMeter"/>, and prints its
/// port; when told "stop PATH" on its input it writes what it saw to PATH and ends. Its collections and its threads
/// are then its own, not those of the process that also ran the engine's runs, and Stopwatch ticks are the system's
/// monotonic clock, comparable with the send stamps taken in pwsh.
/// </summary>
internal sealed class ChildServer : IDisposable
{
    private readonly Process _process;

    private ChildServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static ChildServer Start(int quota, int latencyMs)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { typeof(ChildServer).Assembly.Location, "--serve", "--quota", quota.ToString(CultureInfo.InvariantCulture), "--latency-ms", latencyMs.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadLine() ?? "";
        if (!line.StartsWith("PORT ", StringComparison.Ordinal)) throw new InvalidOperationException($"The child server did not start: {line}");
        return new ChildServer(process, int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture));
    }

    /// <summary>Stops the child and reads what it saw.</summary>
    public ServerRecording Stop()
    {
        var path = Path.GetTempFileName();
        try
        {
            _process.StandardInput.WriteLine("stop " + path);
            _process.StandardInput.Flush();
            _process.StandardOutput.ReadLine();
            _process.WaitForExit();
            return Read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public void Dispose() => _process.Dispose();

    /// <summary>The child's side: serve until told to stop, then write the recording.</summary>
    public static async Task<int> ServeAsync(int quota, int latencyMs)
    {
        await using var server = await BenchServer.StartAsync().ConfigureAwait(false);
        // Warmed up as the benchmark's own server is (the engine against it, no quota, no latency): a cold server
        // compiles its paths on the first calls, which then wait and are counted together. The first 1,000,000-user
        // run against a cold child saw 114 calls in its first second although pwsh had sent them over 1,119 ms.
        server.Quota = 0;
        server.LatencyMs = 0;
        Program.RunEngine(server, 5_000, ImConnection.DefaultThrottleLimit, callsPerSecond: 0, sampleMemory: false);
        server.Quota = quota;
        server.LatencyMs = latencyMs;
        server.TakeStats();
        using var meter = new StallMeter();
        Console.WriteLine("PORT " + server.Port.ToString(CultureInfo.InvariantCulture));
        var command = await Task.Run(Console.In.ReadLine).ConfigureAwait(false) ?? "";
        var stats = server.TakeStats();
        var (pause, collections) = meter.Collections;
        if (command.StartsWith("stop ", StringComparison.Ordinal))
        {
            using var file = new StreamWriter(command.Substring(5));
            file.WriteLine(string.Create(CultureInfo.InvariantCulture, $"R {stats.RateLimited} {pause:F1} {collections}"));
            for (var i = 0; i < stats.Arrivals.Length; i++) file.WriteLine(string.Create(CultureInfo.InvariantCulture, $"A {stats.Arrivals[i]} {stats.Randoms[i]}"));
            foreach (var (at, ticks) in meter.Stalls) file.WriteLine(string.Create(CultureInfo.InvariantCulture, $"S {at} {ticks}"));
        }
        Console.WriteLine("DONE");
        return 0;
    }

    private static ServerRecording Read(string path)
    {
        var arrivals = new List<long>();
        var randoms = new List<uint>();
        var stalls = new List<(long, long)>();
        long rateLimited = 0;
        double pause = 0;
        var collections = 0;
        foreach (var line in File.ReadLines(path))
        {
            var f = line.Split(' ');
            switch (f[0])
            {
                case "R": rateLimited = long.Parse(f[1], CultureInfo.InvariantCulture); pause = double.Parse(f[2], CultureInfo.InvariantCulture); collections = int.Parse(f[3], CultureInfo.InvariantCulture); break;
                case "A": arrivals.Add(long.Parse(f[1], CultureInfo.InvariantCulture)); randoms.Add(uint.Parse(f[2], CultureInfo.InvariantCulture)); break;
                case "S": stalls.Add((long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture))); break;
            }
        }
        return new ServerRecording { Arrivals = arrivals.ToArray(), Randoms = randoms.ToArray(), RateLimited = rateLimited, Stalls = stalls.ToArray(), GcPauseMs = pause, Collections = collections };
    }
}

/// <summary>
/// Lays the server's arrivals beside the client's own send stamps (the moment pwsh's HTTP stack wrote each request
/// to its socket, recorded by PwshRun), call by call (matched by the query's random): whether the module sent more than
/// the quota in some second, or the calls left within the quota and were bunched on their way to the server's count.
/// </summary>
internal static class SendTimingReport
{
    public static string Print(ServerRecording server, IReadOnlyList<(long Stamp, uint Random)> sends, int quota, string where)
    {
        var second = Stopwatch.Frequency;
        double Ms(long ticks) => ticks * 1000.0 / second;
        var sendStamps = sends.Select(s => s.Stamp).OrderBy(s => s).ToArray();
        var sentByRandom = new Dictionary<uint, long>();
        var repeated = new HashSet<uint>();
        foreach (var (stamp, random) in sends)
        {
            if (!sentByRandom.TryAdd(random, stamp)) repeated.Add(random);
        }
        var delays = new List<double>();
        var delayOfArrival = new double?[server.Arrivals.Length];
        for (var i = 0; i < server.Arrivals.Length; i++)
        {
            if (server.Randoms[i] != 0 && !repeated.Contains(server.Randoms[i]) && sentByRandom.TryGetValue(server.Randoms[i], out var sent))
            {
                delayOfArrival[i] = Ms(server.Arrivals[i] - sent);
                delays.Add(delayOfArrival[i]!.Value);
            }
        }
        delays.Sort();
        double Pct(double p) => delays.Count == 0 ? double.NaN : delays[Math.Min(delays.Count - 1, (int)(p * delays.Count))];
        var clientMax = ServerStats.MaxInWindow(sendStamps, second);
        var serverMax = server.MaxCallsInAnySecond;
        Console.WriteLine("  send timing ({0}): {1:N0} sends stamped in pwsh, {2:N0} arrivals, {3:N0} matched", where, sendStamps.Length, server.Calls, delays.Count);
        Console.WriteLine("    max calls in any 1 s: by the client's send stamps {0}, by the server's arrival stamps {1}; 60007 answers {2}", clientMax, serverMax, server.RateLimited);
        var clientTightest = new ServerStats(sendStamps, 0, 0, 0, 0, 0).TightestSpanMs(quota + 1);
        Console.WriteLine("    the tightest {0} consecutive sends spanned {1:N1} ms by the client's stamps (the module keeps 1,040 ms)", quota + 1, clientTightest ?? double.NaN);
        Console.WriteLine("    socket write to server count: median {0:N1} ms, p99 {1:N1} ms, p99.9 {2:N1} ms, max {3:N1} ms", Pct(0.5), Pct(0.99), Pct(0.999), delays.Count > 0 ? delays[^1] : double.NaN);
        var stalls = server.Stalls;
        Console.WriteLine("    server process: {0:N0} stalls over 10 ms (longest {1:N0} ms, {2:N0} over 50 ms), {3:N0} collections pausing it {4:N0} ms in all",
            stalls.Length, stalls.Length > 0 ? stalls.Max(s => Ms(s.Ticks)) : 0, stalls.Count(s => Ms(s.Ticks) > 50), server.Collections, server.GcPauseMs);
        // The server's worst windows: how many calls the client sent within the same second, and what held them.
        var worst = WorstWindows(server.Arrivals, second, quota);
        foreach (var (first, last) in worst.Take(3))
        {
            var from = server.Arrivals[first];
            var windowDelays = Enumerable.Range(first, last - first + 1).Where(i => delayOfArrival[i] is not null).Select(i => delayOfArrival[i]!.Value).ToList();
            var near = stalls.Where(s => s.At + s.Ticks >= from - second / 5 && s.At <= server.Arrivals[last]).ToList();
            Console.WriteLine("    server window of {0} calls from +{1:N1} s: delays in it {2:N1} to {3:N1} ms; sent by the client over {4:N0} ms; server stalls near it: {5}",
                last - first + 1, Ms(from - server.Arrivals[0]) / 1000, windowDelays.DefaultIfEmpty().Min(), windowDelays.DefaultIfEmpty().Max(),
                SendSpanMs(first, last, server, sentByRandom), near.Count == 0 ? "none" : string.Join(", ", near.Select(s => $"{Ms(s.Ticks):N0} ms at +{Ms(s.At - server.Arrivals[0]) / 1000:N2} s")));
        }
        return string.Create(CultureInfo.InvariantCulture, $"{clientMax} {serverMax} {Pct(0.999):F1} {(delays.Count > 0 ? delays[^1] : 0):F1} {(stalls.Length > 0 ? stalls.Max(s => Ms(s.Ticks)) : 0):F0}");
    }

    /// <summary>The span of the client's send stamps of the calls that arrived in [first, last].</summary>
    private static double SendSpanMs(int first, int last, ServerRecording server, Dictionary<uint, long> sentByRandom)
    {
        var stamps = Enumerable.Range(first, last - first + 1).Select(i => sentByRandom.TryGetValue(server.Randoms[i], out var s) ? s : (long?)null).Where(s => s is not null).Select(s => s!.Value).ToList();
        return stamps.Count < 2 ? 0 : (stamps.Max() - stamps.Min()) * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>Windows of one second over the quota (index of the first and last arrival), largest first, not overlapping.</summary>
    private static List<(int First, int Last)> WorstWindows(long[] sorted, long window, int quota)
    {
        var found = new List<(int First, int Last, int Count)>();
        var first = 0;
        for (var last = 0; last < sorted.Length; last++)
        {
            while (sorted[last] - sorted[first] >= window) first++;
            if (last - first + 1 > quota) found.Add((first, last, last - first + 1));
        }
        var chosen = new List<(int, int)>();
        foreach (var w in found.OrderByDescending(w => w.Count))
        {
            if (chosen.All(c => w.Last < c.Item1 || w.First > c.Item2)) chosen.Add((w.First, w.Last));
        }
        return chosen;
    }
}
