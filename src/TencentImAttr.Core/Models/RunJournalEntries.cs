using System;
using System.Collections.Generic;
using System.Linq;

namespace TencentImAttr.Models;

/// <summary>The header of a run journal (Get-ImRunJournal): the run it records. See docs/journal.md.</summary>
public sealed class RunJournalHeader
{
    internal RunJournalHeader(string path, long line, int version, string command, long appId, string identifier, string endpoint, string service,
        IReadOnlyDictionary<string, string> parameters, string moduleVersion, DateTimeOffset? started)
    {
        Path = path;
        Line = line;
        Version = version;
        Command = command;
        AppId = appId;
        Identifier = identifier;
        Endpoint = endpoint;
        Service = service;
        Parameters = parameters;
        ModuleVersion = moduleVersion;
        Started = started;
    }

    /// <summary>The journal's file.</summary>
    public string Path { get; }

    /// <summary>The header's line in the file (1 for the run that created it).</summary>
    public long Line { get; }

    /// <summary>The format's version.</summary>
    public int Version { get; }

    /// <summary>The command that ran (Set-ImUserAttribute, Clear-ImUserTag, ...).</summary>
    public string Command { get; }

    /// <summary>The app's SDKAppID.</summary>
    public long AppId { get; }

    /// <summary>The administrator account the run called as.</summary>
    public string Identifier { get; }

    /// <summary>The endpoint's base address.</summary>
    public string Endpoint { get; }

    /// <summary>The API family: Standard or Push.</summary>
    public string Service { get; }

    /// <summary>The switches and scalar parameters the command was given (-Replace, -RemoveUnlisted, -Verify, ...), as text.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The module's version that wrote the run.</summary>
    public string ModuleVersion { get; }

    /// <summary>When the run started (UTC).</summary>
    public DateTimeOffset? Started { get; }

    /// <summary>
    /// Always null: a header is about the run, not a user. Present so that a filter over Get-ImRunJournal's output
    /// (Where-Object UserId -eq 'alice') passes over the header quietly, also under Set-StrictMode.
    /// </summary>
    public string? UserId { get; }

    /// <summary>Always null: a header has no outcome (see <see cref="UserId"/>).</summary>
    public string? Outcome { get; }

    /// <inheritdoc />
    public override string ToString() => Command + " " + Started?.ToString("u", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// One item of a run journal (Get-ImRunJournal): a user's intended change and what it held before, joined with what
/// became of the call (Outcome); or an input item rejected before any call, or declined at its question. Attribute
/// names that differ only in case are kept apart (the tables compare names exactly).
/// </summary>
public sealed class RunJournalRecord
{
    internal RunJournalRecord(string kind, long line)
    {
        Kind = kind;
        Line = line;
    }

    /// <summary>Item (an intent, with its outcome), Rejected (refused before any call) or Declined (not sent at its question).</summary>
    public string Kind { get; }

    /// <summary>The line of the record in the file (of the intent, for an item).</summary>
    public long Line { get; }

    /// <summary>The number of the call that carried the item (intents and outcomes of one call share it); null when none did.</summary>
    public long? Call { get; internal set; }

    /// <summary>The item's first position in the command's input (0-based).</summary>
    public long? Position => Positions.Count == 0 ? null : Positions[0];

    /// <summary>Every input position the item stands for (repeats of a user merged into one call).</summary>
    public IReadOnlyList<long> Positions { get; internal set; } = Array.Empty<long>();

    /// <summary>The user.</summary>
    public string? UserId { get; internal set; }

    /// <summary>
    /// What became of the item: Done, Failed, Unknown (may have been applied), Declined, NotSent, PartlyApplied, or
    /// Unrecorded (its call was sent and no outcome was written: the process ended first; it may have been applied).
    /// Rejected items: Rejected.
    /// </summary>
    public string? Outcome { get; internal set; }

    /// <summary>The error id of a failed, unknown, not sent or rejected item.</summary>
    public string? ErrorId { get; internal set; }

    /// <summary>A short text of the intended change, for a table.</summary>
    public string Change { get; internal set; } = "";

    /// <summary>Set-ImUserAttribute: the names set, with their values.</summary>
    public IReadOnlyDictionary<string, string>? Set { get; internal set; }

    /// <summary>Remove-ImUserAttribute: the names removed.</summary>
    public IReadOnlyList<string>? Remove { get; internal set; }

    /// <summary>Set-ImUserAttribute -Replace: the values the input carried.</summary>
    public IReadOnlyDictionary<string, string>? Replace { get; internal set; }

    /// <summary>What the user held before, of the names the write was about: a value, or null for a name it did not hold.</summary>
    public IReadOnlyDictionary<string, string?>? Prior { get; internal set; }

    /// <summary>Whether <see cref="Prior"/> is the user's whole attribute set (-Replace), not only the names written.</summary>
    public bool PriorComplete { get; internal set; }

    /// <summary>-Replace -RemoveUnlisted: the row was the user's whole set, so a name it did not carry was meant to go.</summary>
    public bool RemoveUnlisted { get; internal set; }

    /// <summary>-Replace, done: the names the sync set, with their values.</summary>
    public IReadOnlyDictionary<string, string>? AppliedSet { get; internal set; }

    /// <summary>-Replace, done: the names the sync removed.</summary>
    public IReadOnlyList<string>? AppliedRemove { get; internal set; }

    /// <summary>Add-ImUserTag: the tags added.</summary>
    public IReadOnlyList<string>? AddTags { get; internal set; }

    /// <summary>Remove-ImUserTag: the tags removed.</summary>
    public IReadOnlyList<string>? RemoveTags { get; internal set; }

    /// <summary>Add-ImUserTag -Replace: the tag set given.</summary>
    public IReadOnlyList<string>? ReplaceTags { get; internal set; }

    /// <summary>Clear-ImUserTag: every tag removed.</summary>
    public bool ClearTags { get; internal set; }

    /// <summary>The user's whole tag set before (tag writes).</summary>
    public IReadOnlyList<string>? PriorTags { get; internal set; }

    /// <summary>Set-ImAppAttributeName: the names given, by slot.</summary>
    public IReadOnlyDictionary<string, string>? AppAttributeNames { get; internal set; }

    /// <summary>Set-ImAppAttributeName: the account types given, by slot (Push family).</summary>
    public IReadOnlyDictionary<string, string>? AccountTypes { get; internal set; }

    /// <summary>Set-ImAppAttributeName: the names the app held before, by slot.</summary>
    public IReadOnlyDictionary<string, string>? PriorAppAttributeNames { get; internal set; }

    /// <summary>Set-ImAppAttributeName: the account types the app's names had before, by slot (Push family).</summary>
    public IReadOnlyDictionary<string, string>? PriorAccountTypes { get; internal set; }

    /// <summary>Whether an attempt of the item was cut after sending, even when a later one settled it (a late call may still land).</summary>
    public bool HadUnknownAttempt { get; internal set; }

    /// <summary>
    /// A tag list sent in parts (more tags than one call takes) that did not complete: each part's tags and outcome
    /// (Done, Failed, Unknown, NotSent). Null for an item sent whole, or one whose parts all landed (Done).
    /// </summary>
    public IReadOnlyList<RunJournalPart>? Parts { get; internal set; }

    /// <summary>
    /// For an item with <see cref="Parts"/>: the tags of the parts that may have landed (Done or Unknown), which are
    /// all an undo may put back (a part that failed or was not sent changed nothing); null for an item without parts.
    /// </summary>
    internal IReadOnlyList<string>? TagsThatMayHaveLanded =>
        Parts?.Where(p => p.Outcome is "Done" or "Unknown").SelectMany(p => p.Tags).ToList();

    /// <inheritdoc />
    public override string ToString() => $"{Kind} {UserId} {Outcome}";
}

/// <summary>One part of a tag list sent in parts (<see cref="RunJournalRecord.Parts"/>): its tags and what became of its call.</summary>
public sealed class RunJournalPart
{
    internal RunJournalPart(IReadOnlyList<string> tags, string outcome, string? errorId)
    {
        Tags = tags;
        Outcome = outcome;
        ErrorId = errorId;
    }

    /// <summary>The tags the part carried, in the order sent.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Done (landed), Failed, Unknown (may have landed) or NotSent.</summary>
    public string Outcome { get; }

    /// <summary>The error id of the part that failed.</summary>
    public string? ErrorId { get; }

    /// <inheritdoc />
    public override string ToString() => Outcome + ": " + string.Join(", ", Tags);
}
