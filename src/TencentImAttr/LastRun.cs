using System.Runtime.CompilerServices;
using TencentImAttr.Models;

namespace TencentImAttr;

/// <summary>
/// The summary of the last run of each runspace (<see cref="RunspaceScope"/>), stopped or not, for Get-ImLastRun: a
/// bulk command's <see cref="BulkRunSummary"/> or Undo-ImRun's <see cref="RunUndoSummary"/>. A Ctrl+C leaves
/// PowerShell no way to write it, so it is kept here before any write is tried.
/// </summary>
internal static class LastRun
{
    private static readonly ConditionalWeakTable<object, Holder> Runs = new();

    /// <summary>Keeps <paramref name="summary"/> as the last run of <paramref name="scope"/> (a runspace).</summary>
    public static void Record(object scope, BulkRunSummary summary) => Runs.GetValue(scope, _ => new Holder()).Summary = summary;

    /// <summary>Keeps Undo-ImRun's <paramref name="summary"/> as the last run of <paramref name="scope"/> (a runspace).</summary>
    public static void Record(object scope, RunUndoSummary summary) => Runs.GetValue(scope, _ => new Holder()).Summary = summary;

    /// <summary>The last run of <paramref name="scope"/> (a <see cref="BulkRunSummary"/> or a <see cref="RunUndoSummary"/>); null when none ran there.</summary>
    public static object? Of(object scope) => Runs.TryGetValue(scope, out var holder) ? holder.Summary : null;

    private sealed class Holder
    {
        public object? Summary { get; set; }
    }
}
