using System.Runtime.CompilerServices;
using TencentImAttr.Models;

namespace TencentImAttr;

/// <summary>
/// The summary of the last bulk command of each runspace (<see cref="RunspaceScope"/>), stopped or not, for
/// Get-ImLastRun: a Ctrl+C leaves PowerShell no way to write it, so it is kept here before any write is tried.
/// </summary>
internal static class LastRun
{
    private static readonly ConditionalWeakTable<object, Holder> Runs = new();

    /// <summary>Keeps <paramref name="summary"/> as the last run of <paramref name="scope"/> (a runspace).</summary>
    public static void Record(object scope, BulkRunSummary summary) => Runs.GetValue(scope, _ => new Holder()).Summary = summary;

    /// <summary>The last run of <paramref name="scope"/>; null when no bulk command ran there.</summary>
    public static BulkRunSummary? Of(object scope) => Runs.TryGetValue(scope, out var holder) ? holder.Summary : null;

    private sealed class Holder
    {
        public BulkRunSummary? Summary { get; set; }
    }
}
