using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Auth;
using TencentImAttr.Core.Text;
using TencentImAttr.Core.Timing;

namespace TencentImAttr.Core.Connection;

/// <summary>
/// One app, one administrator, one endpoint: what every cmdlet calls through. It holds the HTTP client, the UserSig
/// source and one call-rate limiter per API, so that every command of a session shares the app's quota.
/// It never shows the secret key or the UserSig.
/// </summary>
public sealed class ImConnection : IDisposable, IApiEndpoint
{
    /// <summary>
    /// Calls in flight at once, by default. The rate limiter releases a window's calls half the even pace apart (at
    /// the default quota, 100 calls in 520 ms, then none until the window has passed), so a window's pace needs
    /// about 2 x quota / 1.04 s x round trip calls in flight: 58 at 300 ms. 64 keeps that pace up to a round trip of about 330
    /// ms, and the even pace (100 calls/s) up to about 650 ms. 48 held each window's first calls of a 300 ms run to
    /// 160 calls/s: in issue 25's benchmark, a window's first 100 calls took 620 to 630 ms with 48 and 510 to 560 ms
    /// with 64 (the spacing's 515 ms).
    /// </summary>
    public const int DefaultThrottleLimit = 64;

    /// <summary>Calls per second per API, by default: the app's documented quota.</summary>
    public const int DefaultCallsPerSecond = 100;

    /// <summary>The default per-attempt timeout, in seconds.</summary>
    public const int DefaultTimeoutSeconds = 30;

    /// <summary>The default per-attempt timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(DefaultTimeoutSeconds);

    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, CallRateLimiter> _limiters = new();

    private ImConnection(ImConnectionSettings settings, UserSigSource userSig, HttpClient http, IClock clock)
    {
        SdkAppId = settings.SdkAppId;
        Identifier = settings.Identifier!;
        BaseUri = WithTrailingSlash(settings.BaseUri) ?? ImRegions.BaseUri(settings.Region ?? ImRegions.DefaultRegion);
        Region = settings.BaseUri is null ? ImRegions.Canonical(settings.Region ?? ImRegions.DefaultRegion) : ImRegions.RegionOf(BaseUri);
        Service = settings.Service;
        CallsPerSecond = settings.CallsPerSecond;
        ThrottleLimit = settings.ThrottleLimit;
        MaxRetry = settings.MaxRetry;
        Timeout = settings.Timeout;
        Origin = settings.Origin;
        UserSig = userSig;
        Scrubber = new SecretScrubber(userSig.Secrets);
        Clock = clock;
        _http = http;
        Client = new ImApiClient(this, http);
    }

    /// <summary>The app's SDKAppID.</summary>
    public long SdkAppId { get; }
    /// <summary>The administrator account that signs the calls.</summary>
    public string Identifier { get; }
    /// <summary>The region, when the endpoint is one of Tencent's; null for a custom base URI.</summary>
    public string? Region { get; }
    /// <summary>The endpoint the calls go to.</summary>
    public Uri BaseUri { get; }
    /// <summary>The API family.</summary>
    public ImService Service { get; }
    /// <summary>How the connection authenticates: SecretKey (UserSig made and renewed here) or UserSig (given).</summary>
    public string Authentication => UserSig.Kind;
    /// <summary>When the UserSig in use expires, where known.</summary>
    public DateTimeOffset? UserSigExpiresAt => UserSig.ExpiresAt;
    /// <summary>Calls per second per API (0: unlimited).</summary>
    public int CallsPerSecond { get; }
    /// <summary>Calls in flight at once per command, unless the command says otherwise.</summary>
    public int ThrottleLimit { get; }
    /// <summary>Retries of a transient failure.</summary>
    public int MaxRetry { get; }
    /// <summary>The longest one HTTP attempt may take.</summary>
    public TimeSpan Timeout { get; }
    /// <summary>Where the connection came from: Connect-ImApp, or Environment.</summary>
    public string Origin { get; }

    /// <summary>The app's attribute names as last read or set through this connection (for tab completion); null until then.</summary>
    public IReadOnlyList<string>? RegisteredNames { get; internal set; }

    internal UserSigSource UserSig { get; }
    internal IClock Clock { get; }

    /// <summary>The client that sends this connection's calls.</summary>
    internal ImApiClient Client { get; }

    internal CallRateLimiter LimiterFor(string apiName) =>
        _limiters.GetOrAdd(apiName, _ => new CallRateLimiter(CallsPerSecond, Clock));

    /// <summary>
    /// Checks the settings and opens a connection. <paramref name="handler"/> replaces the network (tests, the Pester
    /// test seam); it is not disposed with the connection.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is missing or wrong; the message names it.</exception>
    internal static ImConnection Open(ImConnectionSettings settings, HttpMessageHandler? handler = null, IClock? clock = null)
    {
        if (settings is null) throw new ArgumentNullException(nameof(settings));
        if (settings.SdkAppId <= 0 || settings.SdkAppId > uint.MaxValue) throw new ArgumentException($"The SDKAppID {settings.SdkAppId} is not valid: it is the positive number shown in the Chat console.", nameof(settings));
        if (string.IsNullOrWhiteSpace(settings.Identifier)) throw new ArgumentException("The administrator identifier is empty.", nameof(settings));
        if (settings.ThrottleLimit < 1 || settings.ThrottleLimit > MaxThrottleLimit) throw new ArgumentException($"ThrottleLimit must be from 1 to {MaxThrottleLimit}.", nameof(settings));
        if (settings.MaxRetry < 0) throw new ArgumentException("MaxRetry cannot be negative.", nameof(settings));
        if (settings.CallsPerSecond < 0) throw new ArgumentException("CallsPerSecond cannot be negative (0 lifts the limit).", nameof(settings));
        if (settings.Timeout <= TimeSpan.Zero) throw new ArgumentException("The timeout must be positive.", nameof(settings));
        if (settings.BaseUri is not null) CheckTransport(settings.BaseUri);
        else ImRegions.Canonical(settings.Region ?? ImRegions.DefaultRegion);

        var hasSig = !string.IsNullOrWhiteSpace(settings.UserSig);
        var hasKey = settings.SecretKey is { Length: > 0 };
        if (hasSig == hasKey) throw new ArgumentException(hasSig ? "Give either a secret key or a UserSig, not both." : "Give a secret key or a UserSig.", nameof(settings));
        clock ??= SystemClock.Instance;
        UserSigSource sig = hasKey
            ? new GeneratedUserSig(settings.SdkAppId, settings.Identifier!, settings.SecretKey!, settings.UserSigLifetime, clock)
            : new StaticUserSig(settings.UserSig!);

        var http = handler is null ? new HttpClient(CreateHandler(), disposeHandler: true) : new HttpClient(handler, disposeHandler: false);
        // Each attempt has its own timeout (a linked token); HttpClient's would also cut retries short.
        http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        return new ImConnection(settings, sig, http, clock);
    }

    /// <summary>
    /// HTTPS only; plain HTTP only to a loopback address (tests, the emulator); no user info (user:password@host):
    /// the IM endpoint takes none, and a password there would be shown wherever the endpoint is (the run journal's
    /// header, errors, -Debug lines), so it is refused here, the one door of every connection (Connect-ImApp, the
    /// TENCENTIM_* variables), and its errors show the URI without it.
    /// </summary>
    internal static void CheckTransport(Uri baseUri)
    {
        if (!baseUri.IsAbsoluteUri) throw new ArgumentException($"The base URI '{baseUri}' is not absolute.", nameof(baseUri));
        var shown = baseUri.GetComponents(UriComponents.SchemeAndServer, UriFormat.SafeUnescaped);
        if (baseUri.UserInfo.Length > 0)
        {
            throw new ArgumentException($"The base URI '{shown}' carries a user name or password (user:password@ before the host, left out here): the IM endpoint takes none, and it would be written wherever the endpoint is shown (a run journal's header, errors, -Debug). Give the URI without it.", nameof(baseUri));
        }
        if (baseUri.Scheme == Uri.UriSchemeHttps) return;
        if (baseUri.Scheme == Uri.UriSchemeHttp && baseUri.IsLoopback) return;
        throw new ArgumentException($"The base URI '{shown}' must use HTTPS: the UserSig travels in the query string. Plain HTTP is allowed to loopback addresses only.", nameof(baseUri));
    }

    /// <summary>
    /// A base URI's path is a folder: https://proxy.example/im/api sends to /im/api/v4/..., not /im/v4/... (relative
    /// URIs replace the last segment of a base without a trailing slash).
    /// </summary>
    private static Uri? WithTrailingSlash(Uri? baseUri) =>
        baseUri is null || baseUri.AbsolutePath.EndsWith("/", StringComparison.Ordinal)
            ? baseUri
            : new UriBuilder(baseUri) { Path = baseUri.AbsolutePath + "/" }.Uri;

    /// <summary>The most calls a command may keep in flight (the cmdlets' -ThrottleLimit range).</summary>
    public const int MaxThrottleLimit = 256;

    private static HttpClientHandler CreateHandler()
    {
        // Sized for the largest -ThrottleLimit a command may ask for, not the connection's default: a request that
        // queued inside the handler for a socket would spend its timeout waiting and then arrive in a burst.
        const int connections = MaxThrottleLimit + 2;
        if (RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
        {
            // Windows PowerShell: .NET Framework allows 2 connections per host and may not offer TLS 1.2 by default.
            ServicePointManager.SecurityProtocol |= SecurityProtocolType.Tls12;
            ServicePointManager.DefaultConnectionLimit = Math.Max(ServicePointManager.DefaultConnectionLimit, connections);
        }
        return new HttpClientHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            // See Redirects: a 3xx is reported, never followed.
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = connections,
        };
    }

    /// <summary>Removes the connection's secrets, in every echo form, from the server's texts.</summary>
    internal SecretScrubber Scrubber { get; }

    /// <summary>Replaces any occurrence of the connection's secrets in a text (for messages that echo a server's answer).</summary>
    internal string Scrub(string text) => Scrubber.Scrub(text);

    SecretScrubber IApiEndpoint.Scrubber => Scrubber;

    IClock IApiEndpoint.Clock => Clock;

    /// <summary>Scrubs a text that may be null.</summary>
    internal string? ScrubOrNull(string? text) => Scrubber.ScrubOrNull(text);

    /// <summary>A description without secrets.</summary>
    public override string ToString() => $"App {SdkAppId} as {Identifier} at {BaseUri.GetLeftPart(UriPartial.Authority)} ({Service}, {Authentication})";

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _http.Dispose();
}
