using System;
using System.Text;
using TencentImAttr.Core.Api;

namespace TencentImAttr.Core.Connection;

/// <summary>
/// The session's connection, and the search order every cmdlet uses: an explicit -Connection, then the connection
/// made by Connect-ImApp in this scope, then the TENCENTIM_* environment variables.
/// </summary>
/// <remarks>
/// A scope is a PowerShell runspace (the cmdlets pass theirs): hosts run many scripts in one process (automation
/// sandboxes, ForEach-Object -Parallel, thread jobs, runspace pools), and one runspace must never use, or disconnect,
/// another's app. A connection object passed explicitly works in any scope. The connection made from environment
/// variables is kept per set of values: runspaces that see the same variables share it (and its quota).
/// </remarks>
internal static class ImSession
{
    /// <summary>The environment variables, for the documentation and the error message.</summary>
    public static readonly string[] Variables =
    {
        "TENCENTIM_SDKAPPID", "TENCENTIM_IDENTIFIER", "TENCENTIM_SECRETKEY", "TENCENTIM_USERSIG", "TENCENTIM_REGION", "TENCENTIM_BASEURI", "TENCENTIM_SERVICE",
    };

    private sealed class Slot
    {
        public ImConnection? Connection;

        // Why the scope has no connection on purpose: its last Connect-ImApp failed. The environment is not read
        // then, so that a script that meant app B never writes to the app the variables name.
        public string? FailedConnect;
    }

    private static readonly object Gate = new();
    // Weak keys: a runspace that is closed and collected takes its connection with it.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, Slot> Scopes = new();
    private static (string Fingerprint, ImConnection Connection)? _fromEnvironment;

    /// <summary>The connection Connect-ImApp made in <paramref name="scope"/>, or null.</summary>
    public static ImConnection? CurrentIn(object scope)
    {
        lock (Gate) return Scopes.TryGetValue(scope, out var slot) ? slot.Connection : null;
    }

    /// <summary>What <see cref="MarkFailed"/> tells the caller, for the failed Connect-ImApp's own error.</summary>
    public const string FailedConnectNote =
        "This runspace has no connection now: the previous one is gone, and the TENCENTIM_* environment variables are not used here until a Connect-ImApp succeeds or Disconnect-ImApp runs, so later commands fail with NotConnected instead of writing to another app.";

    /// <summary>
    /// A Connect-ImApp in <paramref name="scope"/> failed: the scope's connection is dropped (not disposed, for the
    /// reason given at <see cref="SetCurrent"/>), and the environment fallback is off in this scope until
    /// <see cref="SetCurrent"/> or <see cref="Clear"/>. <paramref name="why"/> (the failure's id) is named by later errors.
    /// </summary>
    public static void MarkFailed(object scope, string why)
    {
        lock (Gate)
        {
            var slot = Scopes.GetValue(scope, _ => new Slot());
            slot.Connection = null;
            slot.FailedConnect = why;
        }
    }

    /// <summary>The id of the failure of the last Connect-ImApp of <paramref name="scope"/>, while the scope has no connection because of it; else null.</summary>
    public static string? FailedConnectIn(object scope)
    {
        lock (Gate) return Scopes.TryGetValue(scope, out var slot) ? slot.FailedConnect : null;
    }

    /// <summary>
    /// Makes <paramref name="connection"/> the connection of <paramref name="scope"/>. The one it replaces is not
    /// disposed: a script may still hold it for -Connection, and another runspace may be using it right now.
    /// </summary>
    public static void SetCurrent(object scope, ImConnection? connection)
    {
        lock (Gate)
        {
            var slot = Scopes.GetValue(scope, _ => new Slot());
            slot.Connection = connection;
            slot.FailedConnect = null;
        }
    }

    /// <summary>
    /// The connection to use: <paramref name="explicitConnection"/>, else the one of <paramref name="scope"/>, else one
    /// built from the environment (kept while the variables stay the same, so its quota and UserSig carry over between
    /// commands).
    /// </summary>
    /// <exception cref="InvalidOperationException">No connection was found; the message names what is missing.</exception>
    public static ImConnection Resolve(ImConnection? explicitConnection, object scope, Func<string, string?>? getEnvironment = null)
    {
        if (explicitConnection is not null) return explicitConnection;
        var current = CurrentIn(scope);
        if (current is not null) return current;
        if (FailedConnectIn(scope) is { } failed)
        {
            throw new InvalidOperationException(
                $"Not connected: the last Connect-ImApp in this runspace failed ({failed}), so this runspace has no connection, and the TENCENTIM_* environment variables are not used here until a Connect-ImApp succeeds or Disconnect-ImApp runs. Connect again, pass -Connection, or run Disconnect-ImApp to use the environment variables.");
        }
        getEnvironment ??= Environment.GetEnvironmentVariable;
        var fingerprint = Fingerprint(getEnvironment);
        lock (Gate)
        {
            if (_fromEnvironment is { } cached && cached.Fingerprint == fingerprint) return cached.Connection;
        }
        var connection = FromEnvironment(getEnvironment);
        lock (Gate)
        {
            // Two threads may have built one each: keep the first, so that they share its quota.
            if (_fromEnvironment is { } raced && raced.Fingerprint == fingerprint) return raced.Connection;
            _fromEnvironment = (fingerprint, connection);
        }
        return connection;
    }

    /// <summary>Reads a connection from the TENCENTIM_* variables.</summary>
    /// <exception cref="InvalidOperationException">Something is missing or wrong; the message says what.</exception>
    public static ImConnection FromEnvironment(Func<string, string?> getEnvironment)
    {
        string? Get(string name) => getEnvironment(name) is { } v && v.Trim().Length > 0 ? v.Trim() : null;
        var appId = Get("TENCENTIM_SDKAPPID");
        var identifier = Get("TENCENTIM_IDENTIFIER");
        var key = Get("TENCENTIM_SECRETKEY");
        var sig = Get("TENCENTIM_USERSIG");
        var missing = new StringBuilder();
        if (appId is null) missing.Append(" TENCENTIM_SDKAPPID");
        if (identifier is null) missing.Append(" TENCENTIM_IDENTIFIER");
        if (key is null && sig is null) missing.Append(" TENCENTIM_SECRETKEY (or TENCENTIM_USERSIG)");
        if (missing.Length > 0)
        {
            throw new InvalidOperationException(
                "Not connected: run Connect-ImApp, pass -Connection, or set the environment variables. Missing:" + missing + ".");
        }
        if (!long.TryParse(appId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sdkAppId))
        {
            throw new InvalidOperationException($"TENCENTIM_SDKAPPID is '{appId}', which is not a number.");
        }
        var settings = new ImConnectionSettings
        {
            SdkAppId = sdkAppId,
            Identifier = identifier,
            SecretKey = key is null ? null : Encoding.UTF8.GetBytes(key),
            UserSig = key is null ? sig : null,
            Region = Get("TENCENTIM_REGION"),
            Origin = "Environment",
        };
        try
        {
            if (Get("TENCENTIM_BASEURI") is { } baseUri) settings.BaseUri = new Uri(baseUri, UriKind.Absolute);
            if (Get("TENCENTIM_SERVICE") is { } service) settings.Service = (ImService)Enum.Parse(typeof(ImService), service, ignoreCase: true);
            return ImConnection.Open(settings);
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException)
        {
            throw new InvalidOperationException("The TENCENTIM_* environment variables do not make a valid connection: " + e.Message, e);
        }
    }

    /// <summary>
    /// Forgets the connection of <paramref name="scope"/> (left to the garbage collector, for the reason above), and the
    /// one built from the environment, which is made again from the variables when next needed. A failed
    /// Connect-ImApp's block on the environment goes too.
    /// </summary>
    public static void Clear(object scope)
    {
        lock (Gate)
        {
            Scopes.Remove(scope);
            _fromEnvironment = null;
        }
    }

    private static string Fingerprint(Func<string, string?> getEnvironment)
    {
        var all = new StringBuilder();
        foreach (var name in Variables) all.Append(getEnvironment(name)).Append('\n');
        using var sha = System.Security.Cryptography.SHA256.Create();
        return Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(all.ToString())));
    }
}
