using System;

namespace TencentImAttr.Core.Errors;

/// <summary>
/// A user that -Verify read back after its write, and again after sending the write once more, and found different
/// from what was meant (error id <see cref="ErrorIds.VerifyMismatch"/>). The message shows what was expected and what
/// was found, each value escaped (<see cref="Text.MessageText"/>) and scrubbed of secrets before it got here.
/// </summary>
[Serializable]
internal sealed class VerifyMismatchException : Exception
{
    /// <summary>Creates the exception for <paramref name="userId"/>; <paramref name="expected"/> and <paramref name="found"/> are already message text.</summary>
    public VerifyMismatchException(string userId, string apiName, string expected, string found)
        : base($"User '{Text.MessageText.Quote(userId)}': read back with {apiName} after the write and after sending it once more, it still differs: expected {expected}; found {found}.")
    {
        UserId = userId;
        Expected = expected;
        Found = found;
    }

    /// <summary>The user.</summary>
    public string UserId { get; }

    /// <summary>What the write meant, as shown in the message.</summary>
    public string Expected { get; }

    /// <summary>What the service holds, as shown in the message.</summary>
    public string Found { get; }
}
