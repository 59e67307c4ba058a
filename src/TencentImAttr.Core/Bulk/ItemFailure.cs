using System;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Core.Bulk;

/// <summary>One input item that did not succeed: what the cmdlets turn into a non-terminating error record.</summary>
internal sealed class ItemFailure
{
    /// <summary>Creates a failure.</summary>
    public ItemFailure(Exception exception, string errorId, ImErrorCategory category, object? targetObject)
    {
        Exception = exception ?? throw new ArgumentNullException(nameof(exception));
        ErrorId = errorId;
        Category = category;
        TargetObject = targetObject;
    }

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

    /// <summary>A failure for a user whose call failed.</summary>
    public static ItemFailure FromApi(ImApiException exception, string userId) =>
        new(exception, exception.ErrorId, exception.Category, userId);

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
    private ItemOutcome(TResult? result, ItemFailure? failure)
    {
        Result = result;
        Failure = failure;
    }

    /// <summary>The result, on success.</summary>
    public TResult? Result { get; }

    /// <summary>The failure, otherwise.</summary>
    public ItemFailure? Failure { get; }

    /// <summary>A success.</summary>
    public static ItemOutcome<TResult> Success(TResult result) => new(result, null);

    /// <summary>A failure.</summary>
    public static ItemOutcome<TResult> Failed(ItemFailure failure) => new(null, failure);

    /// <summary>Input rejected before sending.</summary>
    public static ItemOutcome<TResult> Rejected(ImInputException exception) => new(null, ItemFailure.FromInput(exception));
}
