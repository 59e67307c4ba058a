using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// A -Replace run's rule for repeats: a user's rows in one batch merge (the batch is what the user ends with), and a
/// user that comes again after its batch was sent is refused with an error naming it. Sending it would make the run
/// disagree with its own report: the report reads every batch before anything is written, the run reads the second
/// batch after the first wrote (attributes), or replaces the whole list twice (tags).
/// </summary>
/// <remarks>
/// The engine sends a repeated user's later batch only after its earlier batch finished, so the earlier batch has
/// marked the user by then, whatever order the batches run in. The users seen are kept as 64-bit hashes (8 bytes a
/// user rather than the id), so that a run of millions stays within tens of megabytes; two different ids share a
/// hash with a chance of about n²/2⁶⁵ (under one in a million for 5 million users), and the second would then be
/// refused by mistake, with an error naming it.
/// </remarks>
internal class OnceInRun<TItem, TResult> : IBatchOperation<TItem, TResult>, IDisposable
    where TItem : class
    where TResult : class
{
    private readonly IBatchOperation<TItem, TResult> _inner;
    private readonly string _perBatch;
    private readonly HashSet<ulong> _seen = new();

    /// <param name="inner">The operation that sends the batches.</param>
    /// <param name="perBatch">What one batch is, for the error ("sync batch of 10,000 users", "call of 100 users").</param>
    protected OnceInRun(IBatchOperation<TItem, TResult> inner, string perBatch)
    {
        _inner = inner;
        _perBatch = perBatch;
    }

    /// <summary>The guard around <paramref name="inner"/>, keeping what the engine asks of it (-Verify's counts).</summary>
    public static IBatchOperation<TItem, TResult> Of(IBatchOperation<TItem, TResult> inner, string perBatch) =>
        inner is IVerifyingOperation ? new Verifying(inner, perBatch) : new OnceInRun<TItem, TResult>(inner, perBatch);

    /// <inheritdoc />
    public string UserIdOf(TItem item) => _inner.UserIdOf(item);

    /// <inheritdoc />
    public TItem Merge(TItem earlier, TItem later) => _inner.Merge(earlier, later);

    /// <inheritdoc />
    public async Task<ItemOutcome<TResult>[]> ExecuteAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending = default)
    {
        var outcomes = new ItemOutcome<TResult>[items.Count];
        var sent = new List<TItem>(items.Count);
        var positions = new List<int>(items.Count);
        lock (_seen)
        {
            for (var i = 0; i < items.Count; i++)
            {
                var user = _inner.UserIdOf(items[i]);
                if (_seen.Add(Hash(user)))
                {
                    sent.Add(items[i]);
                    positions.Add(i);
                    continue;
                }
                outcomes[i] = ItemOutcome<TResult>.Rejected(new ImInputException(ErrorIds.ReplaceUserRepeated,
                    $"User '{MessageText.Quote(user)}' came again after the {_perBatch} that held its earlier rows was sent: with -Replace a user is what one batch says, so this row is not sent (its changes would not be what the drift report showed). Keep each user's rows together (for example Sort-Object UserId first), or give the user one row.",
                    user, ImErrorCategory.InvalidData));
            }
        }
        if (sent.Count == 0) return outcomes;
        var answers = await _inner.ExecuteAsync(sent, log, cancellationToken, stopSending).ConfigureAwait(false);
        for (var k = 0; k < positions.Count; k++) outcomes[positions[k]] = answers[k];
        return outcomes;
    }

    /// <summary>Disposes the operation inside (a sync's limit of calls in flight).</summary>
    public void Dispose() => (_inner as IDisposable)?.Dispose();

    /// <summary>FNV-1a over the id's UTF-16 code units: the same in every process and on every runtime.</summary>
    internal static ulong Hash(string user)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in user)
        {
            hash = (hash ^ (byte)c) * 1099511628211UL;
            hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
        }
        return hash;
    }

    private sealed class Verifying : OnceInRun<TItem, TResult>, IVerifyingOperation
    {
        public Verifying(IBatchOperation<TItem, TResult> inner, string perBatch)
            : base(inner, perBatch)
        {
        }

        public TimeSpan Settle => ((IVerifyingOperation)_inner).Settle;
    }
}
