using System.Globalization;

namespace TencentImAttr.Models;

/// <summary>
/// What an Undo-ImRun did, in its information record (tags TencentImAttr, Summary): the steps restored, unchanged,
/// in conflict (refused ones included) and failed. Shown as one line of text (-InformationAction Continue).
/// </summary>
public sealed class RunUndoSummary
{
    internal RunUndoSummary(long restored, long unchanged, long conflicts, long failed, bool whatIf)
    {
        Restored = restored;
        Unchanged = unchanged;
        Conflicts = conflicts;
        Failed = failed;
        WhatIf = whatIf;
    }

    /// <summary>Steps put back to what the user held before the run (with -WhatIf: that would be).</summary>
    public long Restored { get; }

    /// <summary>Steps that already held the prior value (the run's write never landed, or was undone).</summary>
    public long Unchanged { get; }

    /// <summary>Steps left alone: changed since the run (ImUndoConflict), or app names that cannot be put back.</summary>
    public long Conflicts { get; }

    /// <summary>Users whose read or restore failed.</summary>
    public long Failed { get; }

    /// <summary>Whether this was a -WhatIf plan: nothing was written.</summary>
    public bool WhatIf { get; }

    /// <summary>The command, for Get-ImLastRun (whose answer may be a bulk command's summary or this).</summary>
#pragma warning disable CA1822 // an instance property, as BulkRunSummary's: scripts read $last.Operation whatever its type
    public string Operation => "Undo-ImRun";
#pragma warning restore CA1822

    /// <summary>
    /// True when the undo ended early: stopped (Ctrl+C) or failed (a broken connection, an invalid journal line). The
    /// counts are of the batches finished before; the undo's own journal (-JournalPath) records every restore sent.
    /// </summary>
    public bool Stopped { get; internal set; }

    /// <summary>The error that ended the undo early, when one did (null after Ctrl+C and after a run to its end).</summary>
    public System.Exception? StopError { get; internal set; }

    /// <summary>The summary as one line.</summary>
    public string Text => string.Format(CultureInfo.CurrentCulture, "Undo-ImRun: {0:N0} {1}, {2:N0} unchanged, {3:N0} conflicts, {4:N0} failed{5}.",
        Restored, WhatIf ? "would restore" : "restored", Unchanged, Conflicts, Failed,
        !Stopped ? "" : StopError is null ? "; stopped before its end" : "; stopped before its end by an error");

    /// <inheritdoc />
    public override string ToString() => Text;
}
