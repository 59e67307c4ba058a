using System;
using System.Collections.Generic;
using System.Linq;
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

    /// <summary>
    /// Compiled in pwsh (Add-Type) when send stamps are asked for: an HTTP handler like the module's own (the same
    /// settings; a SocketsHttpHandler is what HttpClientHandler wraps on .NET) whose connections note the moment each
    /// request is written to the socket, with its query's random, installed through the module's test seam. The
    /// stamps are Stopwatch ticks, the system's monotonic clock, comparable with the server's in another process.
    /// </summary>
    private const string StampingHandlerSource = """
        using System;
        using System.Collections.Generic;
        using System.Diagnostics;
        using System.IO;
        using System.Net;
        using System.Net.Http;
        using System.Net.Sockets;
        using System.Threading;
        using System.Threading.Tasks;

        public static class BenchSendStamps
        {
            private static readonly object Gate = new object();
            private static readonly List<long> Stamps = new List<long>(1 << 16);
            private static readonly List<uint> Randoms = new List<uint>(1 << 16);

            public static HttpMessageHandler CreateHandler() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                AllowAutoRedirect = false,
                MaxConnectionsPerServer = 258,
                ConnectCallback = async (context, token) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(context.DnsEndPoint, token).ConfigureAwait(false);
                        return new StampingStream(new NetworkStream(socket, ownsSocket: true));
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };

            internal static void Record(ReadOnlySpan<byte> data)
            {
                var now = Stopwatch.GetTimestamp();
                if (data.Length < 5 || data[0] != (byte)'P' || data[1] != (byte)'O') return;
                var head = data.Slice(0, Math.Min(data.Length, 2048));
                var at = head.IndexOf("&random="u8);
                if (at < 0) return;
                uint random = 0;
                for (var i = at + 8; i < head.Length && head[i] >= (byte)'0' && head[i] <= (byte)'9'; i++) random = unchecked(random * 10 + (uint)(head[i] - '0'));
                lock (Gate)
                {
                    Stamps.Add(now);
                    Randoms.Add(random);
                }
            }

            public static void Save(string path)
            {
                lock (Gate)
                {
                    using var file = new StreamWriter(path);
                    for (var i = 0; i < Stamps.Count; i++) file.WriteLine(Stamps[i] + " " + Randoms[i]);
                }
            }
        }

        internal sealed class StampingStream : Stream
        {
            private readonly Stream _inner;
            public StampingStream(Stream inner) => _inner = inner;
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() => _inner.Flush();
            public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);
            public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
            public override int Read(Span<byte> buffer) => _inner.Read(buffer);
            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);
            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) { BenchSendStamps.Record(buffer.AsSpan(offset, count)); _inner.Write(buffer, offset, count); }
            public override void Write(ReadOnlySpan<byte> buffer) { BenchSendStamps.Record(buffer); _inner.Write(buffer); }
            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) { BenchSendStamps.Record(buffer.AsSpan(offset, count)); return _inner.WriteAsync(buffer, offset, count, cancellationToken); }
            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) { BenchSendStamps.Record(buffer.Span); return _inner.WriteAsync(buffer, cancellationToken); }
            protected override void Dispose(bool disposing) { if (disposing) _inner.Dispose(); base.Dispose(disposing); }
        }
        """;

    /// <summary>Sets one attribute on <paramref name="users"/> users from a pipeline of ids made in pwsh.</summary>
    /// <returns>Elapsed time inside pwsh and the errors written, or null (with the reason printed) when pwsh could not run.</returns>
    public static (TimeSpan Elapsed, long Errors)? Set(BenchServer server, int users) => Set(server.Port, users, null).Result;

    /// <summary>
    /// The same against the server on <paramref name="port"/>; with <paramref name="sendStamps"/>, the moment each
    /// request was written to its socket in pwsh, and its random, are read back into that list.
    /// </summary>
    public static ((TimeSpan Elapsed, long Errors)? Result, List<(long Stamp, uint Random)>? Sends) Set(int port, int users, bool? sendStamps)
    {
        var root = RepositoryRoot();
        var module = root is null ? null : Path.Combine(root, "out", "TencentImAttr", "TencentImAttr.psd1");
        if (module is null || !File.Exists(module))
        {
            Console.WriteLine("  pwsh run skipped: the module is not built in out/TencentImAttr/.");
            return (null, null);
        }
        var stampsPath = sendStamps == true ? Path.GetTempFileName() : null;
        var sourcePath = sendStamps == true ? Path.GetTempFileName() : null;
        if (sourcePath is not null) File.WriteAllText(sourcePath, StampingHandlerSource);
        var setup = stampsPath is null
            ? new[] { $"Import-Module '{module}'" }
            : new[]
            {
                $"Add-Type -TypeDefinition (Get-Content -Raw '{sourcePath}')",
                $"Import-Module '{module}'",
                "(Get-Module TencentImAttr).ImplementingAssembly.GetType('TencentImAttr.TestSeam').GetProperty('Handler', [Reflection.BindingFlags]'NonPublic,Static').SetValue($null, [BenchSendStamps]::CreateHandler())",
                "Connect-ImApp -SdkAppId $env:TENCENTIM_SDKAPPID -Identifier $env:TENCENTIM_IDENTIFIER -SecretKey (ConvertTo-SecureString $env:TENCENTIM_SECRETKEY -AsPlainText -Force) -BaseUri $env:TENCENTIM_BASEURI -SkipCheck",
            };
        var script = string.Join("; ", setup.Concat(new[]
        {
            "$watch = [System.Diagnostics.Stopwatch]::StartNew()",
            $"1..{users.ToString(CultureInfo.InvariantCulture)} | ForEach-Object {{ \"user$_\" }} | Set-ImUserAttribute -Attribute @{{ tier = 'gold' }} -ErrorAction SilentlyContinue -ErrorVariable failed",
            "$watch.Stop()",
        }).Concat(stampsPath is null ? Array.Empty<string>() : new[] { $"[BenchSendStamps]::Save('{stampsPath}')" }).Concat(new[]
        {
            "\"PWSH elapsed_ms=$($watch.ElapsedMilliseconds) errors=$($failed.Count)\"",
        }));
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", script }) start.ArgumentList.Add(arg);
        // The connection comes from the environment, as in a runbook: the key never appears on a command line.
        start.Environment["TENCENTIM_SDKAPPID"] = BenchServer.App.SdkAppId.ToString(CultureInfo.InvariantCulture);
        start.Environment["TENCENTIM_IDENTIFIER"] = BenchServer.App.Admin;
        start.Environment["TENCENTIM_SECRETKEY"] = BenchServer.App.SecretKey;
        start.Environment["TENCENTIM_BASEURI"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/";
        using var process = Process.Start(start)!;
        var errorText = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var match = Regex.Match(output, @"PWSH elapsed_ms=(\d+) errors=(\d+)");
        if (sourcePath is not null) File.Delete(sourcePath);
        if (process.ExitCode != 0 || !match.Success)
        {
            Console.WriteLine("  pwsh run failed (exit code {0}): {1}", process.ExitCode, (output + errorText.Result).Trim());
            if (stampsPath is not null) File.Delete(stampsPath);
            return (null, null);
        }
        List<(long, uint)>? sends = null;
        if (stampsPath is not null)
        {
            sends = File.ReadLines(stampsPath).Select(l => l.Split(' ')).Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), uint.Parse(f[1], CultureInfo.InvariantCulture))).ToList();
            File.Delete(stampsPath);
        }
        return ((TimeSpan.FromMilliseconds(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)),
            long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)), sends);
    }
}
