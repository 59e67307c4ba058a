using System;
using System.Net.Http;

namespace TencentImAttr.Core.Api;

/// <summary>
/// A redirect is never followed: the UserSig rides in the query string, a 301/302/303 would turn the signed POST into
/// a GET elsewhere (whose OK would read as success with nothing written), and a 307/308 would write to another
/// origin. The handler is built with automatic redirection off; this turns the 3xx into its own error.
/// </summary>
internal static class Redirects
{
    /// <summary>Throws <c>ImHttpError3xx</c> (not transient) for a 3xx answer, naming the target's host, never its query.</summary>
    public static void ThrowIfRedirect(string apiName, HttpResponseMessage response, Uri requestUri)
    {
        var status = (int)response.StatusCode;
        if (status is < 300 or > 399) return;
        var location = response.Headers.Location;
        string target;
        if (location is null)
        {
            target = "no Location given";
        }
        else
        {
            var absolute = location.IsAbsoluteUri ? location : new Uri(requestUri, location);
            target = "to host '" + Text.MessageText.Quote(absolute.IsAbsoluteUri ? absolute.Host : "?") + "'";
        }
        throw new ImApiException(apiName, ImFailureKind.Http, 0, null, status, false,
            $"{apiName}: HTTP {status}: the server redirected ({target}). Redirects are never followed, since the signed request would go with them: check -BaseUri or -Region on Connect-ImApp.");
    }
}
