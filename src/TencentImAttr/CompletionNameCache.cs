using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Operations;

namespace TencentImAttr;

/// <summary>
/// The registered attribute names that tab completion offers. They are the connection's (read once, then kept on it:
/// a new connection starts afresh, and Set-ImAppAttributeName replaces them, or forgets them when it fails). A read
/// gives up after about a second, so that Tab never hangs on an unreachable service; after such a failure the
/// connection is not asked again for a while, so that pressing Tab again answers at once.
/// </summary>
internal static class CompletionNameCache
{
    /// <summary>How long completion waits for the names.</summary>
    internal static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(1);

    /// <summary>How long a connection whose names could not be read is left alone.</summary>
    internal static readonly TimeSpan QuietAfterFailure = TimeSpan.FromSeconds(15);

    private static readonly ConditionalWeakTable<ImConnection, FailureMark> Failures = new();

    /// <summary>
    /// The names for the connection in force (-Connection, else this runspace's session's or the environment's); none
    /// when there is none. <paramref name="giveUpAfter"/> replaces <see cref="GiveUpAfter"/> (tests on a busy machine).
    /// </summary>
    public static IReadOnlyList<string> Names(ImConnection? explicitConnection, TimeSpan? giveUpAfter = null)
    {
        ImConnection connection;
        try
        {
            connection = explicitConnection ?? ImSession.Resolve(null, RunspaceScope.Current);
        }
        catch (InvalidOperationException)
        {
            return Array.Empty<string>();
        }
        if (connection.RegisteredNames is { } known) return known;
        var mark = Failures.GetValue(connection, _ => new FailureMark());
        if (mark.IsRecent) return Array.Empty<string>();
        try
        {
            using var timeout = new CancellationTokenSource(giveUpAfter ?? GiveUpAfter);
            AppAttributeNames.GetAsync(connection, null, timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // Completion never fails loudly: an unreachable service, a refused sig or a timeout just means no suggestions.
            mark.Set();
        }
        return connection.RegisteredNames ?? Array.Empty<string>();
    }

    private sealed class FailureMark
    {
        private long _failedAt = long.MinValue;

        public bool IsRecent
        {
            get
            {
                var at = Interlocked.Read(ref _failedAt);
                return at != long.MinValue && Stopwatch.GetTimestamp() - at < QuietAfterFailure.TotalSeconds * Stopwatch.Frequency;
            }
        }

        public void Set() => Interlocked.Exchange(ref _failedAt, Stopwatch.GetTimestamp());
    }
}
