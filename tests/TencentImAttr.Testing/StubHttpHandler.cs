using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace TencentImAttr.Testing;

/// <summary>A request as the stub saw it.</summary>
public sealed class RecordedRequest
{
    private static readonly char[] Ampersand = { '&' };
    private static readonly char[] EqualsSign = { '=' };

    internal RecordedRequest(HttpMethod method, Uri uri, string body)
    {
        Method = method.Method;
        Uri = uri;
        Body = body;
        Api = uri.AbsolutePath.Substring(uri.AbsolutePath.LastIndexOf('/') + 1);
        Query = uri.Query.TrimStart('?').Split(Ampersand, StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(EqualsSign, 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "", StringComparer.Ordinal);
    }

    /// <summary>POST, normally.</summary>
    public string Method { get; }
    /// <summary>The whole URI.</summary>
    public Uri Uri { get; }
    /// <summary>The last path segment, e.g. im_set_attr.</summary>
    public string Api { get; }
    /// <summary>The query parameters, unescaped.</summary>
    public IReadOnlyDictionary<string, string> Query { get; }
    /// <summary>The body as UTF-8 text.</summary>
    public string Body { get; }
}

/// <summary>What the stub answers: a status and a body, an exception, or nothing until cancelled (a stalled connection).</summary>
public sealed class StubResponse
{
    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;
    /// <summary>The body.</summary>
    public string Body { get; set; } = "";
    /// <summary>Thrown instead of answering (a connection reset).</summary>
    public Exception? Exception { get; set; }
    /// <summary>Never answers; the caller's timeout or cancellation ends the wait.</summary>
    public bool Stall { get; set; }
    /// <summary>Waits this long before answering.</summary>
    public TimeSpan Delay { get; set; }
    /// <summary>Answers only once this task is done (a test opens it when the calls it needs are all in), so an order of events is arranged, not hoped for from timing.</summary>
    public Task? Gate { get; set; }
    /// <summary>Response headers (e.g. Retry-After, Date).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>An OK envelope.</summary>
    public static StubResponse Ok(string extraJson = "") => Json("{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0" + extraJson + "}");
    /// <summary>A FAIL envelope with a code.</summary>
    public static StubResponse Fail(int code, string info = "error") => Json("{\"ActionStatus\":\"FAIL\",\"ErrorInfo\":\"" + info + "\",\"ErrorCode\":" + code + "}");
    /// <summary>A 200 with a raw body.</summary>
    public static StubResponse Json(string body) => new() { Body = body };
    /// <summary>A non-200 status with a body.</summary>
    public static StubResponse Http(int status, string body = "") => new() { Status = (HttpStatusCode)status, Body = body };
    /// <summary>A connection reset.</summary>
    public static StubResponse Reset() => new() { Exception = new HttpRequestException("The connection was reset by peer.") };
    /// <summary>A connection that never answers.</summary>
    public static StubResponse Stalled() => new() { Stall = true };
    /// <summary>
    /// What a stall ends in, at once: the client's own timeout, without waiting for it. For runs of many calls on a
    /// busy machine, where a real timeout short enough to wait for would also cut answers that are merely slow.
    /// </summary>
    public static StubResponse TimedOut() => new() { Exception = new OperationCanceledException("stalled: the client's timeout, simulated") };
}

/// <summary>
/// A stub HttpMessageHandler for the module's test seam (ModuleTestSeam.Use): it records every request,
/// and answers from a queue of responses, else from a responder function, else with an OK envelope.
/// </summary>
public sealed class StubHttpHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<StubResponse> _queue = new();
    private readonly List<RecordedRequest> _requests = new();
    private int _inFlight, _peakInFlight, _nameReads;

    /// <summary>Answers requests when the queue is empty.</summary>
    public Func<RecordedRequest, StubResponse>? Responder { get; set; }

    /// <summary>
    /// The app's registered names, when set: a names read (im_get_attr_name, get_attr_name), which Set- and
    /// Remove-ImUserAttribute begin with, is then answered with these by the stub itself, counted in
    /// <see cref="NameReads"/>, neither recorded in <see cref="Requests"/> nor taken from the queue, so that a test of a
    /// command's calls sees those calls alone. Null (the default): a names read is a request like any other.
    /// </summary>
    public IReadOnlyList<string>? RegisteredNames { get; set; }

    /// <summary>Names reads answered from <see cref="RegisteredNames"/>.</summary>
    public int NameReads => Volatile.Read(ref _nameReads);

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get { lock (_requests) return _requests.ToList(); }
    }

    /// <summary>The most requests in flight at once.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>Queues answers, used in order before the responder.</summary>
    public StubHttpHandler Enqueue(params StubResponse[] responses)
    {
        foreach (var r in responses) _queue.Enqueue(r);
        return this;
    }

    /// <summary>Queues a 200 answer with this JSON body.</summary>
    public StubHttpHandler EnqueueJson(string body) => Enqueue(StubResponse.Json(body));

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, body);
        if (RegisteredNames is { } names && recorded.Api is "im_get_attr_name" or "get_attr_name")
        {
            Interlocked.Increment(ref _nameReads);
            var slots = string.Join(",", names.Select((n, i) => "\"" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\":" + System.Text.Json.JsonSerializer.Serialize(n)));
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0,\"AttrNames\":{" + slots + "}}", Encoding.UTF8, "application/json"),
                RequestMessage = request,
            };
        }
        lock (_requests) _requests.Add(recorded);
        var now = Interlocked.Increment(ref _inFlight);
        Atomic.Max(ref _peakInFlight, now);
        try
        {
            var response = _queue.TryDequeue(out var queued) ? queued : Responder?.Invoke(recorded) ?? StubResponse.Ok();
            if (response.Stall)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            if (response.Gate is not null)
            {
                await response.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            if (response.Delay > TimeSpan.Zero)
            {
                await Task.Delay(response.Delay, cancellationToken).ConfigureAwait(false);
            }
            if (response.Exception is not null)
            {
                throw response.Exception;
            }
            var answer = new HttpResponseMessage(response.Status)
            {
                Content = new StringContent(response.Body, Encoding.UTF8, "application/json"),
                RequestMessage = request,
            };
            foreach (var header in response.Headers) answer.Headers.TryAddWithoutValidation(header.Key, header.Value);
            return answer;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}

internal static class Atomic
{
    /// <summary>Raises <paramref name="target"/> to <paramref name="value"/> if that is larger, from any thread.</summary>
    public static void Max(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
