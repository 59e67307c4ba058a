using System;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Core.Api;

/// <summary>
/// Sends one HTTP attempt of an API call: the signed query string with a fresh <c>random</c>, the JSON body, the
/// per-attempt timeout and the envelope check. Every failure becomes an <see cref="ImApiException"/>; whether to try
/// again is not decided here (see <c>CallSender</c>, the one retry loop).
/// </summary>
internal sealed class ImApiClient
{
    private static readonly RandomNumberGenerator Rng = RandomNumberGenerator.Create();
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private readonly IApiEndpoint _endpoint;
    private readonly HttpClient _http;

    internal ImApiClient(IApiEndpoint endpoint, HttpClient http)
    {
        _endpoint = endpoint;
        _http = http;
    }

    /// <summary>Sends <paramref name="body"/> once to <paramref name="operation"/>, signed with <paramref name="userSig"/>, and parses the answer.</summary>
    /// <exception cref="ImApiException">The attempt failed: transport, timeout, HTTP status, malformed answer, or an error code.</exception>
    /// <param name="operation">The API.</param>
    /// <param name="userSig">The administrator's UserSig for this attempt.</param>
    /// <param name="body">The request body.</param>
    /// <param name="responseType">The answer's serializer.</param>
    /// <param name="sent">Called once the request has been written to the connection (the quota counts calls from then).</param>
    /// <param name="cancellationToken">Stops the attempt.</param>
    /// <param name="trace">-Debug: given the wire trace of the attempt (request and answer, scrubbed), on this worker thread; null for none.</param>
    /// <param name="writing">Called once the HTTP stack begins to write the request body: before it, the service cannot have the request (a cancelled call was not sent).</param>
    public Task<TResponse> SendAsync<TResponse>(ImOperation operation, string userSig, byte[] body, JsonTypeInfo<TResponse> responseType, Action? sent, CancellationToken cancellationToken,
        Action<string>? trace = null, Action? writing = null)
        where TResponse : ApiEnvelope =>
        // Without a trace, the attempt's own task is handed back: no second state machine per attempt, nor its
        // compilation on the way to a session's first call (issue 25, docs/benchmark.md "Import-Module to the first call").
        trace is null
            ? SendOnceAsync(operation, userSig, body, responseType, sent, writing, null, cancellationToken)
            : SendTracedAsync(operation, userSig, body, responseType, sent, writing, trace, cancellationToken);

    private async Task<TResponse> SendTracedAsync<TResponse>(ImOperation operation, string userSig, byte[] body, JsonTypeInfo<TResponse> responseType, Action? sent, Action? writing,
        Action<string> trace, CancellationToken cancellationToken)
        where TResponse : ApiEnvelope
    {
        var exchange = new WireExchange(_endpoint.Clock.Elapsed);
        try
        {
            return await SendOnceAsync(operation, userSig, body, responseType, sent, writing, exchange, cancellationToken).ConfigureAwait(false);
        }
        catch (ImApiException e)
        {
            exchange.Failure = e.ErrorId;
            throw;
        }
        catch (OperationCanceledException)
        {
            exchange.Failure = "cancelled";
            throw;
        }
        finally
        {
            foreach (var line in WireTrace.Lines(exchange, body, _endpoint.Clock.Elapsed, _endpoint.Scrubber)) trace(line);
        }
    }

    private async Task<TResponse> SendOnceAsync<TResponse>(ImOperation operation, string userSig, byte[] body, JsonTypeInfo<TResponse> responseType, Action? sent, Action? writing,
        WireExchange? exchange, CancellationToken cancellationToken)
        where TResponse : ApiEnvelope
    {
        var apiName = ImApiRoutes.ApiName(_endpoint.Service, operation);
        var path = ImApiRoutes.Path(_endpoint.Service, operation);
        var uri = new Uri(_endpoint.BaseUri, path + "?usersig=" + Uri.EscapeDataString(userSig)
            + "&identifier=" + Uri.EscapeDataString(_endpoint.Identifier)
            + "&sdkappid=" + _endpoint.SdkAppId.ToString(CultureInfo.InvariantCulture)
            + "&random=" + NextRandom().ToString(CultureInfo.InvariantCulture)
            + "&contenttype=json");
        if (exchange is not null) exchange.Uri = uri;
        using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new SentNotifyingContent(body, sent, writing) };
        message.Content.Headers.ContentType = JsonType;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_endpoint.Timeout);
        HttpResponseMessage response;
        byte[]? content;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            try
            {
                content = await BoundedResponseReader.ReadAsync(response.Content, BoundedResponseReader.MaxResponseBytes, timeout.Token).ConfigureAwait(false);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ImApiException(apiName, ImFailureKind.Timeout, 0, null, null,
                $"{apiName}: no answer from {_endpoint.BaseUri.Host} within {_endpoint.Timeout.TotalSeconds:0.#} s.");
        }
        catch (ObjectDisposedException e)
        {
            // Kept as the inner exception: it tells the classifier that no retry can help (its text holds no URI).
            throw new ImApiException(apiName, ImFailureKind.Transport, 0, null, null,
                $"{apiName}: this connection was closed (Dispose); connect again with Connect-ImApp.", new ObjectDisposedException(e.ObjectName));
        }
        catch (Exception e) when (e is HttpRequestException or System.IO.IOException or System.Net.Sockets.SocketException)
        {
            // The inner exception is not kept: handlers may put the request URI, and so the UserSig, in their messages.
            // Its cause is read first: a name, TLS or refusal failure says the connection, not the call, is wrong.
            var fault = ResponseClassifier.TransportFaultOf(e);
            throw new ImApiException(apiName, ImFailureKind.Transport, 0, null, null,
                $"{apiName}: the connection to {_endpoint.BaseUri.Host} failed: {Text.MessageText.Sentence(_endpoint.Scrubber.ForMessage(Innermost(e).Message))}{TransportAdvice(fault)}")
            { TransportFault = fault, RecommendedAction = TransportAdvice(fault).Trim() is { Length: > 0 } advice ? advice : null };
        }
        using (response)
        {
            if (exchange is not null)
            {
                exchange.Status = (int)response.StatusCode;
                exchange.Reason = response.ReasonPhrase;
                exchange.Answer = content;
            }
            if (content is null)
            {
                // Never transient (ResponseClassifier): a server that answers this much once will do it again.
                throw new ImApiException(apiName, ImFailureKind.ResponseTooLarge, 0, null, (int)response.StatusCode,
                    $"{apiName}: the answer from {_endpoint.BaseUri.Host} was larger than {BoundedResponseReader.MaxResponseBytes / (1024 * 1024)} MiB, far beyond any legitimate one; reading stopped there.");
            }
            Redirects.ThrowIfRedirect(apiName, response, uri);
            try
            {
                return Parse(apiName, (int)response.StatusCode, response.ReasonPhrase, content, responseType);
            }
            catch (ImApiException e) when (e.Kind == ImFailureKind.Http && e.HttpStatus is 429 or 503)
            {
                e.RetryAfter = RetryAfterOf(response, _endpoint.Clock.UtcNow);
                throw;
            }
        }
    }

    // A documented route that is not there says the endpoint or the family is wrong, for every call alike.
    private const string NotFoundAdvice = " The service has no such route: the connection points at the wrong place, or at the other API family (Connect-ImApp -Service AllMemberPush or Push, -BaseUri, -Region).";

    private TResponse Parse<TResponse>(string apiName, int status, string? reason, byte[] content, JsonTypeInfo<TResponse> responseType)
        where TResponse : ApiEnvelope
    {
        string Excerpt() => _endpoint.Scrubber.Excerpt(content);
        if (status != 200)
        {
            throw new ImApiException(apiName, ImFailureKind.Http, 0, null, status,
                $"{apiName}: HTTP {status} {_endpoint.Scrubber.ForMessage(reason)}" + (content.Length > 0 ? $"; the response began: {Excerpt()}" : "; the response was empty.")
                + (status == 404 ? NotFoundAdvice : ""));
        }
        // Malformed answers are treated as transient: the operations are idempotent, and a proxy page or a cut
        // connection is usually gone on the next try.
        if (content.Length == 0)
        {
            throw Malformed(apiName, "the response body was empty.");
        }
        var first = FirstNonSpace(content);
        if (first == '<')
        {
            throw Malformed(apiName, $"an HTML page came back instead of JSON: {Excerpt()}");
        }
        TResponse? parsed;
        try
        {
            var bom = Text.Utf8Bom.Length(content);
            parsed = JsonSerializer.Deserialize(new ReadOnlySpan<byte>(content, bom, content.Length - bom), responseType);
        }
        catch (JsonException)
        {
            throw Malformed(apiName, $"the response was not valid JSON (truncated?): {Excerpt()}");
        }
        if (parsed is null || parsed.ActionStatus is null)
        {
            throw Malformed(apiName, $"the response had no ActionStatus: {Excerpt()}");
        }
        var ok = string.Equals(parsed.ActionStatus, "OK", StringComparison.OrdinalIgnoreCase);
        if (parsed.ErrorCode != 0)
        {
            // ErrorInfo is the server's text: a proxy or a verbose gateway may echo the request, UserSig and all.
            throw ImApiException.FromCode(apiName, parsed.ErrorCode, _endpoint.Scrubber.ScrubOrNull(parsed.ErrorInfo));
        }
        if (!ok)
        {
            throw Malformed(apiName, $"ActionStatus was '{_endpoint.Scrubber.ForMessage(parsed.ActionStatus)}' with no error code: {Excerpt()}");
        }
        return parsed;
    }

    private string TransportAdvice(TransportFault fault) => fault switch
    {
        TransportFault.NameNotResolved => $" The name {_endpoint.BaseUri.Host} does not resolve: check -Region (or -BaseUri) on Connect-ImApp, and this machine's DNS.",
        TransportFault.Tls => $" The TLS handshake with {_endpoint.BaseUri.Host} failed: check -BaseUri (a proxy must present a certificate this machine trusts) and the system's clock.",
        TransportFault.Refused => $" {_endpoint.BaseUri.GetLeftPart(UriPartial.Authority)} refused the connection: check -BaseUri (host and port) and that the server or proxy is running.",
        _ => "",
    };

    private static ImApiException Malformed(string apiName, string what) =>
        new(apiName, ImFailureKind.MalformedResponse, 0, null, 200, $"{apiName}: {what}");

    /// <summary>Retry-After as seconds or as an HTTP date (then measured from the server's Date, else from now).</summary>
    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header is null) return null;
        if (header.Delta is { } delta) return delta;
        if (header.Date is { } date) return date - (response.Headers.Date ?? now);
        return null;
    }

    private static int FirstNonSpace(byte[] content)
    {
        foreach (var b in content)
        {
            if (b is not (0x20 or 0x09 or 0x0A or 0x0D or 0xEF or 0xBB or 0xBF)) return b;
        }
        return -1;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    /// <summary>A uniform unsigned 32-bit number: the API's <c>random</c>, fresh for every attempt.</summary>
    internal static uint NextRandom()
    {
        var bytes = new byte[4];
        lock (Rng)
        {
            Rng.GetBytes(bytes);
        }
        return BitConverter.ToUInt32(bytes, 0);
    }
}
