using System;
using System.Net.Sockets;
using System.Security.Authentication;

namespace TencentImAttr.Core.Errors;

/// <summary>What a transport failure says about the connection, read from the exception chain before it is dropped.</summary>
internal enum TransportFault
{
    /// <summary>A reset, a cut or another failure that may come after the request was sent.</summary>
    Other,
    /// <summary>The host name did not resolve: nothing was sent.</summary>
    NameNotResolved,
    /// <summary>The TLS handshake failed (certificate, protocol): nothing was sent.</summary>
    Tls,
    /// <summary>The server refused the connection: nothing was sent.</summary>
    Refused,
    /// <summary>The run journal could not be written (a full disk): the call was not sent, and the run stops as on a broken connection.</summary>
    JournalWrite,
}

/// <summary>
/// Decides which failures a retry can cure, for whole calls and for the users of an ErrorList, and which say that the
/// connection itself is wrong (so that no user can succeed): the one home of those rules (in the manner of
/// Azure.Core's ResponseClassifier beside its RetryPolicy). Every operation is idempotent, so a malformed answer, a
/// reset or a timeout is worth another attempt even when the service may have applied the call.
/// </summary>
internal static class ResponseClassifier
{
    /// <summary>Whether a failed call may succeed if sent again after a pause.</summary>
    public static bool IsTransient(ImApiException failure) => !failure.IsFinal && failure.Kind switch
    {
        ImFailureKind.Api => IsTransientCode(failure.ErrorCode),
        ImFailureKind.Http => IsTransientStatus(failure.HttpStatus ?? 0),
        // A closed (disposed) connection stays closed, a name that does not resolve or a TLS handshake that fails
        // will do the same on the next try; a refused or reset connection may be gone.
        ImFailureKind.Transport => failure.InnerException is not ObjectDisposedException
            && failure.TransportFault is not (TransportFault.NameNotResolved or TransportFault.Tls),
        // A server that answers beyond the size cap once will do it again.
        ImFailureKind.ResponseTooLarge => false,
        _ => true,
    };

    /// <summary>Whether a service error code (of a call, or of one user in an ErrorList) is worth a retry.</summary>
    public static bool IsTransientCode(int code) => ImErrorCodes.IsDocumentedTransient(code);

    /// <summary>
    /// Whether the failure says the calls came too fast (the service's rate-limit codes, HTTP 429): the only failures
    /// that say something about pace, so the only ones worth a long backoff.
    /// </summary>
    public static bool IsRateLimited(ImApiException failure) =>
        failure.Category == ImErrorCategory.QuotaExceeded;

    /// <summary>Whether a service error code (of a call, or of one user in an ErrorList) is a rate limit.</summary>
    public static bool IsRateLimitCode(int code) => ImErrorCodes.Category(code) == ImErrorCategory.QuotaExceeded;

    /// <summary>HTTP 408, 429 and every 5xx.</summary>
    public static bool IsTransientStatus(int status) => status == 408 || status == 429 || status >= 500;

    /// <summary>Whether the answer asks for a new UserSig (expired, invalidated): one renewal, then the call again.</summary>
    public static bool NeedsNewUserSig(ImApiException failure) =>
        failure.Kind == ImFailureKind.Api && (failure.ErrorCode == ImErrorCodes.UserSigExpired || failure.ErrorCode == ImErrorCodes.UserSigInvalidated);

    /// <summary>Whether the failure is 90033 (an unregistered attribute name): permanent, but the sender can narrow it to the users at fault.</summary>
    public static bool IsUnregisteredAttribute(ImApiException failure) =>
        failure.Kind == ImFailureKind.Api && failure.ErrorCode == ImErrorCodes.UnregisteredAttribute;

    /// <summary>
    /// Whether a call's final failure (after its retries and any renewal) says the connection, not the users, is wrong,
    /// so that every other call would fail the same way: the UserSig errors (70001-70020, 70050, 70052), a bad or
    /// disabled app, request, plan or address (60006, 60016, 60017, 60020, 60021), a missing administrator permission
    /// (90009), the Push service's feature not enabled (90045), HTTP 404 (a documented route that is not there: the
    /// wrong endpoint, or the other API family), a name that does not resolve, a TLS failure, a refused
    /// connection, a closed connection object.
    /// Per-user codes of an ErrorList are never connection-level: they name one user. A failure marked
    /// <see cref="ImApiException.StopsRun"/> (it would strike every user alike) counts as one too.
    /// </summary>
    public static bool IsConnectionLevel(ImApiException failure) => failure.StopsRun || !failure.IsPerUser && failure.Kind switch
    {
        ImFailureKind.Api => IsConnectionLevelCode(failure.ErrorCode),
        // Every route the module calls is documented: a 404 says the endpoint or the family is wrong, not the users.
        ImFailureKind.Http => failure.HttpStatus == 404,
        ImFailureKind.Transport => failure.InnerException is ObjectDisposedException || failure.TransportFault != TransportFault.Other,
        _ => false,
    };

    /// <summary>The service codes that mean the connection's settings are wrong (see <see cref="IsConnectionLevel"/>).</summary>
    public static bool IsConnectionLevelCode(int code) =>
        code is >= 70001 and <= 70020 or 70050 or 70052 or 60006 or 60016 or 60017 or 60020 or 60021 or 90009 or 90045;

    /// <summary>
    /// Whether a user carried by a call that failed this way may have been applied: a timeout, or a transport
    /// failure other than one that happens before anything is sent (name, TLS, refused).
    /// </summary>
    public static bool LeavesOutcomeUnknown(ImApiException failure) =>
        failure.Kind == ImFailureKind.Timeout
        || (failure.Kind == ImFailureKind.Transport && failure.TransportFault == TransportFault.Other && failure.InnerException is not ObjectDisposedException);

    /// <summary>Reads the transport failure's cause from the exception chain (the chain itself is not kept: it may hold the URI).</summary>
    public static TransportFault TransportFaultOf(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AuthenticationException:
                    return TransportFault.Tls;
                case SocketException s when s.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain:
                    return TransportFault.NameNotResolved;
                case SocketException s when s.SocketErrorCode == SocketError.ConnectionRefused:
                    return TransportFault.Refused;
            }
        }
        return TransportFault.Other;
    }
}
