using System;
using System.Collections.Generic;

namespace TencentImAttr.Core.Errors;

/// <summary>
/// A bulk command stopped early: on a failure that says the connection is wrong, or on the caller's
/// -ErrorAction Stop. It says what stopped it and what became of every user the command held at that moment, so a
/// script can resume: <c>$users | Select-Object -Skip $e.StoppedAt | Where-Object UserId -NotIn $e.Applied</c>.
/// </summary>
[Serializable]
public sealed class ImRunStoppedException : Exception
{
    internal ImRunStoppedException(string message, Exception cause, string errorId, ImErrorCategory category, object? targetObject,
        bool byCaller, long stoppedAt, long doneBefore, RunAccount account)
        : base(message, cause)
    {
        ErrorId = errorId;
        Category = category;
        TargetObject = targetObject;
        ByCaller = byCaller;
        StoppedAt = stoppedAt;
        DoneBeforeStop = doneBefore;
        Applied = account.Applied.ToArray();
        Failed = account.Failed.ToArray();
        OutcomeUnknown = account.OutcomeUnknown.ToArray();
        NotSent = account.NotSent.ToArray();
    }

    /// <summary>
    /// What to do: under -ErrorAction Stop, fix the input and resume from <see cref="StoppedAt"/>; after a broken
    /// connection, the fix of the failure that stopped the run, when known.
    /// </summary>
    internal string? RecommendedAction { get; set; }

    /// <summary>The error id of the failure that stopped the command (e.g. <c>ImApiError70005</c>, or the item's own id under -ErrorAction Stop).</summary>
    public string ErrorId { get; }

    /// <summary>The category of that failure.</summary>
    public ImErrorCategory Category { get; }

    /// <summary>The user (or input) that failed at the stopping point, where there is one.</summary>
    public object? TargetObject { get; }

    /// <summary>True when the caller's preference (-ErrorAction Stop) stopped the command; false when the connection is wrong.</summary>
    public bool ByCaller { get; }

    /// <summary>
    /// Input items written (as results or errors) before the stopping point: everything from this position on is in
    /// the lists below or was not read yet (resume with <c>Select-Object -Skip</c>).
    /// </summary>
    public long StoppedAt { get; }

    /// <summary>Users done before the stopping point (their results were written).</summary>
    public long DoneBeforeStop { get; }

    /// <summary>Users past the stopping point whose calls were already in flight and succeeded: applied, though nothing was written for them.</summary>
    public IReadOnlyList<string> Applied { get; }

    /// <summary>Users past the stopping point that failed (the one that stopped the command first, where it is a user).</summary>
    public IReadOnlyList<string> Failed { get; }

    /// <summary>Users whose last attempt timed out or was cut after sending: they may or may not have been applied.</summary>
    public IReadOnlyList<string> OutcomeUnknown { get; }

    /// <summary>Users held by the command and never sent.</summary>
    public IReadOnlyList<string> NotSent { get; }
}

/// <summary>The users a stopped run held, by what became of them; each user once per list, in input order.</summary>
internal sealed class RunAccount
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public List<string> Applied { get; } = new();
    public List<string> Failed { get; } = new();
    public List<string> OutcomeUnknown { get; } = new();
    public List<string> NotSent { get; } = new();

    /// <summary>Users counted (a user repeated in the input is counted once, in its first state).</summary>
    public int Count => _seen.Count;

    public void Add(List<string> list, string? user)
    {
        if (user is not null && _seen.Add(user)) list.Add(user);
    }
}
