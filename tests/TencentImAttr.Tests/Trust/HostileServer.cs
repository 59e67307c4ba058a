using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TencentImAttr.Tests.Trust;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 (port 0) whose answers are written byte by byte by the test: redirects, bodies
/// without end, compression bombs, whatever a real client must survive. One request per connection.
/// </summary>
public sealed class HostileServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, Stream, CancellationToken, Task> _answer;
    private int _requests;

    /// <summary>Starts the server; <paramref name="answer"/> gets the request line and writes the whole response.</summary>
    public HostileServer(Func<string, Stream, CancellationToken, Task> answer)
    {
        _answer = answer;
        _listener.Start();
        _ = AcceptLoop();
    }

    /// <summary>The base URI, with a trailing slash.</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>How many requests arrived.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every request line that arrived.</summary>
    public ConcurrentQueue<string> RequestLines { get; } = new();

    /// <summary>A response head with these headers and a Content-Length of the body, then the body.</summary>
    public static async Task WriteAsync(Stream stream, string statusLine, string headers, byte[] body, CancellationToken token)
    {
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {statusLine}\r\n{headers}Content-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head, token);
        await stream.WriteAsync(body, token);
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            _ = Serve(client);
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var requestLine = await ReadRequestAsync(stream);
                Interlocked.Increment(ref _requests);
                RequestLines.Enqueue(requestLine);
                await _answer(requestLine, stream, _stop.Token);
                await stream.FlushAsync();
            }
            catch (Exception)
            {
                // The client hung up (as it must, for an endless body) or the server is stopping.
            }
        }
    }

    private static async Task<string> ReadRequestAsync(Stream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one) == 0) throw new IOException("closed");
            head.Append((char)one[0]);
        }
        var lines = head.ToString().Split("\r\n");
        var length = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line.Substring(15).Trim());
        }
        var body = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await stream.ReadAsync(body.AsMemory(read));
            if (n == 0) break;
            read += n;
        }
        return lines[0];
    }

    /// <summary>Stops accepting and ends the answers in progress.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
