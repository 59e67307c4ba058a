using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace TencentImAttr.Testing;

/// <summary>
/// Sends every call to a local emulator instead of the host it was addressed to, choosing the emulator by the call's
/// <c>sdkappid</c>. It lets a command run exactly as written (with <c>-Region Singapore</c>, say) while the network is
/// the emulator: what the help-example tests need. Path and query are kept as they are.
/// </summary>
public sealed class RedirectingHandler : DelegatingHandler
{
    private readonly Dictionary<long, Uri> _emulators = new();

    /// <summary>Creates a handler over a real HTTP handler.</summary>
    public RedirectingHandler()
        : base(new HttpClientHandler { AllowAutoRedirect = false })
    {
    }

    /// <summary>Sends the calls of app <paramref name="sdkAppId"/> to the emulator at <paramref name="baseUri"/>.</summary>
    public RedirectingHandler Route(long sdkAppId, Uri baseUri)
    {
        lock (_emulators) _emulators[sdkAppId] = baseUri;
        return this;
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var appId = SdkAppIdOf(original);
        Uri? target;
        lock (_emulators)
        {
            if (!_emulators.TryGetValue(appId, out target))
            {
                throw new InvalidOperationException($"No emulator serves app {appId}.");
            }
        }
        // Only the scheme, host and port change: the path below v4/ and the signed query go as they are.
        var path = original.AbsolutePath;
        var v4 = path.IndexOf("/v4/", StringComparison.Ordinal);
        request.RequestUri = new Uri(target, (v4 >= 0 ? path.Substring(v4 + 1) : path.TrimStart('/')) + original.Query);
        return base.SendAsync(request, cancellationToken);
    }

    private static long SdkAppIdOf(Uri uri)
    {
        foreach (var pair in uri.Query.TrimStart('?').Split('&'))
        {
            var equals = pair.IndexOf('=');
            if (equals > 0 && pair.Substring(0, equals) == "sdkappid"
                && long.TryParse(pair.AsSpan(equals + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }
        return 0;
    }
}
