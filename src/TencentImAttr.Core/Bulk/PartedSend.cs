using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Sends a batch whose items may be too big for one call (<see cref="BulkOperation{TItem,TResult,TRequest,TResponse}.PartsOf"/>):
/// round k carries the k-th part of every item that has one, so a batch of 100 users with 25 tags each is 3 calls of
/// 100 users, not 300 calls of one. The rounds run one after the other on the batch's task, so the parts of one user
/// never race and arrive in order; an item whose part fails is not sent further, and fails with that part's error
/// (its earlier parts stay applied). Each round is one <see cref="CallSender.SendAsync{TItem,TResult,TRequest,TResponse}"/>,
/// with its own attempt budget.
/// </summary>
internal static class PartedSend
{
    /// <summary>One outcome per item, in order; a batch with no parted item is exactly one send.</summary>
    public static async Task<ItemOutcome<TResult>[]> SendAsync<TItem, TResult, TRequest, TResponse>(CallSender sender,
        BulkOperation<TItem, TResult, TRequest, TResponse> operation, IReadOnlyList<TItem> items, CancellationToken cancellationToken, CancellationToken stopSending = default)
        where TItem : class
        where TResult : class
        where TResponse : ApiEnvelope
    {
        // Every batch passes here and almost none has a parted item: the list of parts is made only once an item
        // has some (PartsOf null for all, as for attributes, allocates nothing per user; issue 18).
        List<IReadOnlyList<TItem>?>? parts = null;
        var parted = false;
        for (var i = 0; i < items.Count; i++)
        {
            var part = operation.PartsOf(items[i]);
            if (part is not null && parts is null) parts = new List<IReadOnlyList<TItem>?>(new IReadOnlyList<TItem>?[i]);
            parts?.Add(part);
            parted |= part is { Count: > 1 };
        }
        if (!parted || parts is null) return await sender.SendAsync(operation, items, cancellationToken, stopSending).ConfigureAwait(false);
        var outcomes = new ItemOutcome<TResult>[items.Count];
        var done = new bool[items.Count];
        var unknown = new bool[items.Count];
        for (var round = 0; ; round++)
        {
            var carried = Enumerable.Range(0, items.Count).Where(i => !done[i] && round < PartCount(parts[i])).ToList();
            if (carried.Count == 0)
            {
                // A part of unknown outcome may land late whatever the later parts did: the whole item had one.
                for (var i = 0; i < items.Count; i++)
                {
                    if (unknown[i]) outcomes[i] = outcomes[i].AfterUnknownAttempt();
                }
                return outcomes;
            }
            var sent = carried.Select(i => parts[i] is { } p ? p[round] : items[i]).ToList();
            var answers = await sender.SendAsync(operation, sent, cancellationToken, stopSending).ConfigureAwait(false);
            for (var k = 0; k < carried.Count; k++)
            {
                var i = carried[k];
                var answer = answers[k];
                unknown[i] |= answer.HadUnknownAttempt;
                if (answer.Failure is not null) (outcomes[i], done[i]) = (WithLanded(operation, items[i], parts[i], round, answer), true);
                else if (round == PartCount(parts[i]) - 1) (outcomes[i], done[i]) = (ItemOutcome<TResult>.Success(operation.Rejoined(items[i], answer.Result!)), true);
            }
        }
    }

    /// <summary>
    /// A parted item's failure, its message saying what of the item landed in the calls before (the operation words it),
    /// carrying the parts and which one failed (the run journal records the outcome per part).
    /// </summary>
    private static ItemOutcome<TResult> WithLanded<TItem, TResult, TRequest, TResponse>(BulkOperation<TItem, TResult, TRequest, TResponse> operation,
        TItem whole, IReadOnlyList<TItem>? parts, int failedPart, ItemOutcome<TResult> answer)
        where TItem : class
        where TResult : class
        where TResponse : ApiEnvelope
    {
        if (parts is not { Count: > 1 } || answer.Failure is not { } failure) return answer;
        var exception = operation.PartsLanded(whole, parts, failedPart, failure.OutcomeUnknown) is not { } note ? failure.Exception : failure.Exception switch
        {
            Errors.ImApiException e => e.WithNote(note),
            System.OperationCanceledException c => new System.OperationCanceledException(Text.MessageText.Sentence(c.Message) + " " + note),
            var other => other,
        };
        var noted = ItemOutcome<TResult>.Failed(new ItemFailure(exception, failure.ErrorId, failure.Category, failure.TargetObject, failure.OutcomeUnknown)
            .InParts(parts.Cast<object>().ToList(), failedPart));
        return answer.HadUnknownAttempt ? noted.AfterUnknownAttempt() : noted;
    }

    private static int PartCount<TItem>(IReadOnlyList<TItem>? parts) => parts is null || parts.Count == 0 ? 1 : parts.Count;
}
