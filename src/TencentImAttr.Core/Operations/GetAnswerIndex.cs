using System;
using System.Collections.Generic;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>
/// A get answer's users by To_Account, read defensively: a user named twice is ambiguous (which copy is true?), and
/// an entry whose Attrs is null is malformed (not "no attributes", which is <c>{}</c>); both fail that user alone.
/// </summary>
internal sealed class GetAnswerIndex
{
    private readonly Dictionary<string, Dictionary<string, string>?> _users = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ambiguous = new(StringComparer.Ordinal);

    /// <summary>Indexes an answer; each user's table looks names up as <see cref="AttributeNameCase"/> decides from the app's names.</summary>
    public GetAnswerIndex(GetAttributesResponse response, IReadOnlyList<string>? appNames)
    {
        foreach (var user in response.UserAttrs ?? new List<UserAttributeValues>())
        {
            if (user?.To_Account is not { } account) continue;
            if (_users.ContainsKey(account))
            {
                _ambiguous.Add(account);
                continue;
            }
            _users.Add(account, user.Attrs is null ? null : AttributeNameCase.Table(user.Attrs, appNames));
        }
    }

    /// <summary>The outcome for one requested user.</summary>
    public ItemOutcome<UserAttributes> OutcomeFor(string apiName, string userId)
    {
        string? problem = null;
        string errorId = ErrorIds.MalformedResponse;
        if (_ambiguous.Contains(userId))
        {
            problem = $"the response named user '{MessageText.Quote(userId)}' more than once, so it is not known which attributes are the user's.";
            errorId = ErrorIds.UserAmbiguousInResponse;
        }
        else if (!_users.TryGetValue(userId, out var attrs))
        {
            problem = $"the response did not mention user '{MessageText.Quote(userId)}', so its attributes are unknown.";
            errorId = ErrorIds.UserMissingFromResponse;
        }
        else if (attrs is null)
        {
            problem = $"the response's entry for user '{MessageText.Quote(userId)}' had \"Attrs\": null, which is malformed (a user without attributes has {{}}).";
        }
        else
        {
            return ItemOutcome<UserAttributes>.Success(new UserAttributes(userId, attrs));
        }
        // The answer was read: what it says of this user is final, not a failure a retry of the call could cure.
        var exception = new ImApiException(apiName, ImFailureKind.MalformedResponse, 0, null, 200, $"{apiName}: {problem}") { IsFinal = true };
        return ItemOutcome<UserAttributes>.Failed(new ItemFailure(exception, errorId, ImErrorCategory.InvalidResult, userId));
    }
}
