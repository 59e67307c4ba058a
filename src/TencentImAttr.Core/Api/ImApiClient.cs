using System;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;

namespace TencentImAttr.Core.Api;

/// <summary>
/// Sends one API call: the signed query string, the JSON body, the envelope check, and the retries of transient
/// failures, each attempt under the API's call-rate limit, a fresh <c>random</c>, and the per-attempt timeout.
/// </summary>
internal sealed class ImApiClient
{
    private static readonly RandomNumberGenerator Rng = RandomNumberGenerator.Create();
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private readonly ImConnection _connection;
    private readonly HttpClient _http;

    internal ImApiClient(ImConnection connection, HttpClient http)
    {
        _connection = connection;
        _http = http;
    }

    /// <summary>
    /// Calls <paramref name="operation"/> with <paramref name="request"/> and returns the parsed success response.
    /// </summary>
    /// <param name="operation">The operation; the connection's family decides the URL.</param>
    /// <param name="request">The request body.</param>
    /// <param name="requestType">Its serializer.</param>
    /// <param name="responseType">The response's serializer.</param>
    /// <param name="userCount">How many users the call carries (for the log).</param>
    /// <param name="maxRetry">Retries of a transient failure; null takes the connection's.</param>
    /// <param name="log">Where attempt lines go, or null.</param>
    /// <param name="cancellationToken">Stops the call, its retries and its waits.</param>
    /// <exception cref="ImApiException">The call failed for good (permanent error, or retries used up).</exception>
    public async Task<TResponse> CallAsync<TRequest, TResponse>(
        ImOperation operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        int userCount,
        int? maxRetry,
        ICallLog? log,
        CancellationToken cancellationToken)
        where TResponse : ApiEnvelope
    {
        var apiName = ImApiRoutes.ApiName(_connection.Service, operation);
        var path = ImApiRoutes.Path(_connection.Service, operation);
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var policy = new RetryPolicy(maxRetry ?? _connection.MaxRetry);
        var limiter = _connection.LimiterFor(apiName);
        var clock = _connection.Clock;
        var what = userCount > 0 ? $"{apiName}: {userCount} user(s)" : apiName;
        var renewed = false;
        var attempt = 0;
        var retries = 0;
        while (true)
        {
            attempt++;
            await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
            var started = clock.Elapsed;
            var userSig = _connection.UserSig.Current();
            try
            {
                var response = await SendOnceAsync(apiName, path, userSig, body, responseType, cancellationToken).ConfigureAwait(false);
                log?.Write($"{what}, attempt {attempt}, {(clock.Elapsed - started).TotalMilliseconds:0} ms, OK" +
                    (response.ErrorList is { Count: > 0 } ? $" with {response.ErrorList.Count} user error(s)" : ""));
                return response;
            }
            catch (ImApiException e) when (!cancellationToken.IsCancellationRequested)
            {
                var elapsed = $"{(clock.Elapsed - started).TotalMilliseconds:0} ms";
                if (ImErrorCodes.NeedsNewUserSig(e.ErrorCode) && !renewed && _connection.UserSig.TryRenew(userSig))
                {
                    renewed = true;
                    log?.Write($"{what}, attempt {attempt}, {elapsed}, error {e.ErrorCode}: UserSig renewed, trying again");
                    continue;
                }
                if (e.IsTransient && retries < policy.MaxRetry)
                {
                    retries++;
                    var delay = policy.DelayBefore(retries);
                    log?.Write($"{what}, attempt {attempt}, {elapsed}, {e.ErrorId}: retry {retries} of {policy.MaxRetry} in {delay.TotalSeconds:0.0} s");
                    await clock.Delay(delay, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                log?.Write($"{what}, attempt {attempt}, {elapsed}, failed: {e.ErrorId}");
                throw attempt > 1 ? WithAttempts(e, attempt) : e;
            }
        }
    }

    private async Task<TResponse> SendOnceAsync<TResponse>(string apiName, string path, string userSig, byte[] body, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : ApiEnvelope
    {
        var uri = new Uri(_connection.BaseUri, path + "?usersig=" + Uri.EscapeDataString(userSig)
            + "&identifier=" + Uri.EscapeDataString(_connection.Identifier)
            + "&sdkappid=" + _connection.SdkAppId.ToString(CultureInfo.InvariantCulture)
            + "&random=" + NextRandom().ToString(CultureInfo.InvariantCulture)
            + "&contenttype=json");
        using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = JsonType;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_connection.Timeout);
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
            throw new ImApiException(apiName, ImFailureKind.Timeout, 0, null, null, true,
                $"{apiName}: no answer from {_connection.BaseUri.Host} within {_connection.Timeout.TotalSeconds:0.#} s.");
        }
        catch (ObjectDisposedException)
        {
            throw new ImApiException(apiName, ImFailureKind.Transport, 0, null, null, false,
                $"{apiName}: this connection was closed (Dispose); connect again with Connect-ImApp.");
        }
        catch (Exception e) when (e is HttpRequestException or System.IO.IOException or System.Net.Sockets.SocketException)
        {
            // The inner exception is not kept: handlers may put the request URI, and so the UserSig, in their messages.
            throw new ImApiException(apiName, ImFailureKind.Transport, 0, null, null, true,
                $"{apiName}: the connection to {_connection.BaseUri.Host} failed: {_connection.Scrubber.ForMessage(Innermost(e).Message)}");
        }
        using (response)
        {
            if (content is null)
            {
                // Not transient: a server that answers this much once will do it again.
                throw new ImApiException(apiName, ImFailureKind.ResponseTooLarge, 0, null, (int)response.StatusCode, false,
                    $"{apiName}: the answer from {_connection.BaseUri.Host} was larger than {BoundedResponseReader.MaxResponseBytes / (1024 * 1024)} MiB, far beyond any legitimate one; reading stopped there.");
            }
            Redirects.ThrowIfRedirect(apiName, response, uri);
            return Parse(apiName, (int)response.StatusCode, response.ReasonPhrase, content, responseType);
        }
    }

    private TResponse Parse<TResponse>(string apiName, int status, string? reason, byte[] content, JsonTypeInfo<TResponse> responseType)
        where TResponse : ApiEnvelope
    {
        string Excerpt() => _connection.Scrubber.Excerpt(content);
        if (status != 200)
        {
            var transient = status == 408 || status == 429 || status >= 500;
            throw new ImApiException(apiName, ImFailureKind.Http, 0, null, status, transient,
                $"{apiName}: HTTP {status} {_connection.Scrubber.ForMessage(reason)}" + (content.Length > 0 ? $"; the response began: {Excerpt()}" : "; the response was empty."));
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
            throw ImApiException.FromCode(apiName, parsed.ErrorCode, _connection.ScrubOrNull(parsed.ErrorInfo));
        }
        if (!ok)
        {
            throw Malformed(apiName, $"ActionStatus was '{_connection.Scrubber.ForMessage(parsed.ActionStatus)}' with no error code: {Excerpt()}");
        }
        return parsed;
    }

    private static ImApiException Malformed(string apiName, string what) =>
        new(apiName, ImFailureKind.MalformedResponse, 0, null, 200, true, $"{apiName}: {what}");

    private static ImApiException WithAttempts(ImApiException e, int attempts) =>
        new(e.ApiName, e.Kind, e.ErrorCode, e.ErrorInfo, e.HttpStatus, e.IsTransient, e.Message + $" (after {attempts} attempts)");

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
