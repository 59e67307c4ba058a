using System;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Core.Bulk;

/// <summary>One input item that did not succeed: what the cmdlets turn into a non-terminating error record.</summary>
internal sealed class ItemFailure
{
    /// <summary>Creates a failure.</summary>
    public ItemFailure(Exception exception, string errorId, ImErrorCategory category, object? targetObject, bool outcomeUnknown = false)
    {
        Exception = exception ?? throw new ArgumentNullException(nameof(exception));
        ErrorId = errorId;
        Category = category;
        TargetObject = targetObject;
        OutcomeUnknown = outcomeUnknown;
    }

    /// <summary>
    /// Whether the service may have applied the item all the same: the last attempt that carried it timed out or was
    /// cut after the request was sent, and no later answer decided it. The one record of "outcome unknown" of the last
    /// attempt: the accounting of a stopped run reads it. (Whether any attempt was of unknown outcome, success
    /// included, is <see cref="ItemOutcome{TResult}.HadUnknownAttempt"/>, which -Verify reads.)
    /// </summary>
    public bool OutcomeUnknown { get; }

    /// <summary>Whether the item was never sent because the run stopped first (only in a stopped run's accounting).</summary>
    public bool NotSent => ErrorId == ErrorIds.NotSent;

    /// <summary>The exception: an <see cref="ImApiException"/> for a failed call, an <see cref="ImInputException"/> for bad input.</summary>
    public Exception Exception { get; }

    /// <summary>A stable, specific error id, e.g. <c>ImApiError90033</c> or <c>AttributeValueTooLong</c>.</summary>
    public string ErrorId { get; }

    /// <summary>The PowerShell error category.</summary>
    public ImErrorCategory Category { get; }

    /// <summary>The user id (or, where the input had none, the input object): what a rerun needs.</summary>
    public object? TargetObject { get; }

    /// <summary>The message.</summary>
    public string Message => Exception.Message;

    /// <summary>
    /// An item sent in parts (<see cref="PartedSend"/>) that did not complete: its parts, in the order sent (the
    /// operation's items), of which those before <see cref="FailedPart"/> landed, that one failed with this failure,
    /// and the rest were not sent. Null for an item sent whole. The run journal records it per part.
    /// </summary>
    public System.Collections.Generic.IReadOnlyList<object>? Parts { get; private set; }

    /// <summary>The index in <see cref="Parts"/> of the part this failure is of.</summary>
    public int FailedPart { get; private set; }

    /// <summary>The same failure, of part <paramref name="failedPart"/> of <paramref name="parts"/>.</summary>
    public ItemFailure InParts(System.Collections.Generic.IReadOnlyList<object> parts, int failedPart) =>
        new(Exception, ErrorId, Category, TargetObject, OutcomeUnknown) { Parts = parts, FailedPart = failedPart };

    /// <summary>A failure for a user whose call failed.</summary>
    public static ItemFailure FromApi(ImApiException exception, string userId, bool outcomeUnknown = false) =>
        new(exception, exception.ErrorId, exception.Category, userId, outcomeUnknown);

    /// <summary>A user the run stopped before sending; <paramref name="outcomeUnknown"/> when an earlier attempt was cut after sending.</summary>
    public static ItemFailure Unsent(string userId, bool outcomeUnknown) =>
        new(new OperationCanceledException($"User '{Text.MessageText.Quote(userId)}' was not sent: the command stopped first."), ErrorIds.NotSent, ImErrorCategory.OperationStopped, userId, outcomeUnknown);

    /// <summary>
    /// A user whose call Ctrl+C cancelled: not sent when its request never began to go out; of unknown outcome when
    /// <paramref name="mayHaveGone"/> (the service may apply it).
    /// </summary>
    public static ItemFailure Cancelled(string userId, bool mayHaveGone) =>
        new(new OperationCanceledException(mayHaveGone
                ? $"User '{Text.MessageText.Quote(userId)}' is of unknown outcome: the command was stopped (Ctrl+C) after its call may have gone out, so it may have been applied."
                : $"User '{Text.MessageText.Quote(userId)}' was not sent: the command was stopped (Ctrl+C) first."),
            ErrorIds.NotSent, ImErrorCategory.OperationStopped, userId, mayHaveGone);

    /// <summary>A failure for input rejected before sending.</summary>
    public static ItemFailure FromInput(ImInputException exception) =>
        new(exception, exception.ErrorId, exception.Category, exception.Target);

    /// <inheritdoc />
    public override string ToString() => $"{ErrorId}: {Message}";
}

/// <summary>What happened to one item: a result (or, from a reader, the checked item), or a failure.</summary>
internal readonly struct ItemOutcome<TResult>
    where TResult : class
{
    private ItemOutcome(TResult? result, ItemFailure? failure, bool hadUnknownAttempt = false, bool declined = false)
    {
        Result = result;
        Failure = failure;
        HadUnknownAttempt = hadUnknownAttempt;
        Declined = declined;
    }

    /// <summary>
    /// The item's write was declined at its ShouldProcess question (-WhatIf, or "No" at -Confirm) asked after the
    /// batch was sent (a -Replace sync asks once it knows what differs): not sent, counted as such; its
    /// <see cref="Result"/>, when there is one, says what would have been done (the drift that -WhatIf reports).
    /// </summary>
    public bool Declined { get; }

    /// <summary>The result, on success; on a failure made with <see cref="FailedWith"/>, what it still changed.</summary>
    public TResult? Result { get; }

    /// <summary>The failure, otherwise.</summary>
    public ItemFailure? Failure { get; }

    /// <summary>
    /// Whether any attempt that carried the item timed out or was cut after sending, even when a later attempt
    /// decided it: that abandoned call may still land later and overwrite what the later one wrote (a stale call).
    /// <see cref="ItemFailure.OutcomeUnknown"/> is about the last attempt only; this is about every attempt, success
    /// included. <see cref="CallSender"/> decides both; <see cref="VerifiedWrites{TItem,TResult,TReadItem,TState}"/>
    /// reads this one to wait before reading such a user back.
    /// </summary>
    public bool HadUnknownAttempt { get; }

    /// <summary>The same outcome, marked as having had an attempt of unknown outcome.</summary>
    public ItemOutcome<TResult> AfterUnknownAttempt() => new(Result, Failure, hadUnknownAttempt: true, declined: Declined);

    /// <summary>A success.</summary>
    public static ItemOutcome<TResult> Success(TResult result) => new(result, null);

    /// <summary>A failure.</summary>
    public static ItemOutcome<TResult> Failed(ItemFailure failure) => new(null, failure);

    /// <summary>A failure that still changed something: <paramref name="partial"/> says what (written after the error, where results are written).</summary>
    public static ItemOutcome<TResult> FailedWith(ItemFailure failure, TResult partial) => new(partial, failure);

    /// <summary>A write declined at its question; <paramref name="wouldBe"/> is what it would have done.</summary>
    public static ItemOutcome<TResult> DeclinedWith(TResult? wouldBe) => new(wouldBe, null, declined: true);

    /// <summary>Input rejected before sending.</summary>
    public static ItemOutcome<TResult> Rejected(ImInputException exception) => new(null, ItemFailure.FromInput(exception));
}
