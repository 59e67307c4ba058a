namespace TencentImAttr.Models;

/// <summary>
/// One thing Undo-ImRun puts back, or leaves: for a user, an attribute name, a tag, the whole tag set, or the app's
/// attribute names; what the run intended, what is there now, what was there before, and what the undo does.
/// Undo-ImRun -WhatIf writes one per item of the plan.
/// </summary>
public sealed class RunUndoStep
{
    internal RunUndoStep(string userId, string kind, string name, string? intended, string? now, string? prior, string action)
    {
        UserId = userId;
        Kind = kind;
        Name = name;
        Intended = intended;
        Now = now;
        Prior = prior;
        Action = action;
    }

    /// <summary>The user ("" for the app's attribute names).</summary>
    public string UserId { get; }

    /// <summary>Attribute, Tag, TagSet or AppAttributeNames.</summary>
    public string Kind { get; }

    /// <summary>The attribute name or the tag ("" for a whole set).</summary>
    public string Name { get; }

    /// <summary>What the run meant it to be (null: absent).</summary>
    public string? Intended { get; }

    /// <summary>What it is now (null: absent; for an item of unknown outcome, read back).</summary>
    public string? Now { get; }

    /// <summary>What it was before the run (null: absent): what Restore puts back.</summary>
    public string? Prior { get; }

    /// <summary>Restore (it holds what the run intended), Unchanged (it holds the prior already), Conflict (something else: left alone, unless -OverwriteConflict), Overwrite (a conflict restored under -OverwriteConflict), Refused.</summary>
    public string Action { get; }

    /// <inheritdoc />
    public override string ToString() => $"{UserId} {Name}: {Action}";
}
