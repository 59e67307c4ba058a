using System;

namespace TencentImAttr.Core.Errors;

/// <summary>Input rejected before it was sent; the message names the user (or the item) and the rule.</summary>
[Serializable]
public sealed class ImInputException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    internal ImInputException(string errorId, string message, object? target, ImErrorCategory category = ImErrorCategory.InvalidArgument)
        : base(message)
    {
        ErrorId = errorId;
        Target = target;
        Category = category;
    }

    /// <summary>The stable error id, e.g. <c>UserIdTooLong</c>.</summary>
    public string ErrorId { get; }

    /// <summary>The user id, or the input item where it had none.</summary>
    public object? Target { get; }

    /// <summary>The PowerShell error category.</summary>
    public ImErrorCategory Category { get; }
}
