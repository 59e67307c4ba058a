using System;
using System.Collections.Generic;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Core.Operations;

/// <summary>
/// A get answer's users by To_Account, read defensively, for every get operation (attributes, tags): a user named
/// twice is ambiguous (which copy is true?), and an entry whose value is null is malformed (not "nothing", which is
/// <c>{}</c> or <c>[]</c>); both fail that user alone, as does a user the answer leaves out.
/// </summary>
/// <typeparam name="TValue">What the answer holds for a user (its attribute table, its tag list).</typeparam>
internal sealed class GetAnswerIndex<TValue>
    where TValue : class
{
    private readonly Dictionary<string, TValue?> _users = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ambiguous = new(StringComparer.Ordinal);
    private readonly string _noun;
    private readonly string _field;
    private readonly string _empty;

    /// <param name="entries">The answer's entries: each one's To_Account and value (null entries are skipped).</param>
    /// <param name="noun">What the value is, for messages ("attributes", "tags").</param>
    /// <param name="field">The value's field on the wire ("Attrs", "Tags").</param>
    /// <param name="empty">How the wire writes "none" for that field ("{}", "[]").</param>
    public GetAnswerIndex(IEnumerable<(string? Account, TValue? Value)> entries, string noun, string field, string empty)
    {
        _noun = noun;
        _field = field;
        _empty = empty;
        foreach (var (account, value) in entries)
        {
            if (account is null) continue;
            if (_users.ContainsKey(account))
            {
                _ambiguous.Add(account);
                continue;
            }
            _users.Add(account, value);
        }
    }

    /// <summary>
    /// The outcome for one requested user; <paramref name="result"/> makes the result from the user's value and
    /// <paramref name="state"/>. The state is passed rather than captured so that a static lambda serves every user:
    /// this runs once per user, and a capturing lambda would allocate a closure and a delegate each time (issue 18).
    /// </summary>
    public ItemOutcome<TResult> OutcomeFor<TState, TResult>(string apiName, string userId, TState state, Func<TValue, TState, TResult> result)
        where TResult : class
    {
        string? problem = null;
        string errorId = ErrorIds.MalformedResponse;
        if (_ambiguous.Contains(userId))
        {
            problem = $"the response named user '{MessageText.Quote(userId)}' more than once, so it is not known which {_noun} are the user's.";
            errorId = ErrorIds.UserAmbiguousInResponse;
        }
        else if (!_users.TryGetValue(userId, out var value))
        {
            problem = $"the response did not mention user '{MessageText.Quote(userId)}', so its {_noun} are unknown.";
            errorId = ErrorIds.UserMissingFromResponse;
        }
        else if (value is null)
        {
            problem = $"the response's entry for user '{MessageText.Quote(userId)}' had \"{_field}\": null, which is malformed (a user without {_noun} has {_empty}).";
        }
        else
        {
            return ItemOutcome<TResult>.Success(result(value, state));
        }
        // The answer was read: what it says of this user is final, not a failure a retry of the call could cure.
        var exception = new ImApiException(apiName, ImFailureKind.MalformedResponse, 0, null, 200, $"{apiName}: {problem}") { IsFinal = true };
        return ItemOutcome<TResult>.Failed(new ItemFailure(exception, errorId, ImErrorCategory.InvalidResult, userId));
    }
}
