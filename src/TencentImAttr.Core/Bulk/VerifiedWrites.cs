using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;
using TencentImAttr.Core.Timing;

namespace TencentImAttr.Core.Bulk;

/// <summary>How -Verify runs: the settle delay before reading back a user whose write had an attempt of unknown outcome.</summary>
internal sealed class VerifyOptions
{
    /// <summary>
    /// The default settle delay, in seconds. A call the module gave up on (a timeout, a connection cut after sending)
    /// has already been in the service's hands for up to the per-attempt timeout; the API answers in about 100 ms when
    /// it is well, so a call that has not landed 10 s after the client gave up is held by something far out of the
    /// ordinary (a stuck backend or a gateway queue). 10 s catches the stale calls a slow or briefly stuck service
    /// lands, and costs a run with a few timeouts only 10 s per affected batch (the batch holds its place meanwhile, as
    /// a batch in backoff does). No delay can prove that a stale call will never land: raise it
    /// (-VerifySettleSec) where the service is known to hold calls longer.
    /// </summary>
    public const int DefaultSettleSeconds = 10;

    /// <summary>The longest settle delay accepted, in seconds (an hour).</summary>
    public const int MaxSettleSeconds = 3600;

    /// <summary>Creates the options; <paramref name="settle"/> from 0 to <see cref="MaxSettleSeconds"/>.</summary>
    public VerifyOptions(TimeSpan settle)
    {
        if (settle < TimeSpan.Zero || settle > TimeSpan.FromSeconds(MaxSettleSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(settle), $"The settle delay must be from 0 to {MaxSettleSeconds} s.");
        }
        Settle = settle;
    }

    /// <summary>The default options.</summary>
    public static VerifyOptions Default { get; } = new(TimeSpan.FromSeconds(DefaultSettleSeconds));

    /// <summary>
    /// The wait, after a batch's write (or its second write) ended, before reading back the users it carried with an
    /// attempt of unknown outcome; the batch ends only after it, so a later write of such a user in the same command
    /// waits for it too.
    /// </summary>
    public TimeSpan Settle { get; }
}

/// <summary>What differs between what a write meant and what a read found, as message text (values escaped and scrubbed).</summary>
internal sealed class ReadBackDifference
{
    /// <summary>Creates the difference.</summary>
    public ReadBackDifference(string expected, string found)
    {
        Expected = expected;
        Found = found;
    }

    /// <summary>What the write meant, e.g. <c>tier='gold'</c>.</summary>
    public string Expected { get; }

    /// <summary>What the read found, e.g. <c>tier='silver'</c>.</summary>
    public string Found { get; }
}

/// <summary>How one kind of write is checked against a read of the same user: the one home of "what the write meant".</summary>
/// <typeparam name="TItem">The write's item.</typeparam>
/// <typeparam name="TReadItem">The read's item (the user to read).</typeparam>
/// <typeparam name="TState">What the read finds for a user.</typeparam>
internal interface IReadBackCheck<TItem, TReadItem, TState>
{
    /// <summary>Whether the write of <paramref name="item"/> changed anything to check (a Set row of empty cells did not).</summary>
    bool NeedsReadBack(TItem item);

    /// <summary>The read of the item's user.</summary>
    TReadItem ReadItem(TItem item);

    /// <summary>
    /// Null when <paramref name="found"/> holds what <paramref name="item"/> meant; else what differs, each value of
    /// the user's data shown through <paramref name="shown"/> (scrubbed, escaped and quoted).
    /// </summary>
    ReadBackDifference? Compare(TItem item, TState found, ReadBackShown shown);
}

/// <summary>
/// How -Verify reads users back and sends a differing user once more: the write's own calls for a batch of at most
/// 100 users (<see cref="VerifiedWrites{TItem,TResult,TReadItem,TState}"/>'s default), or a sync's, which reads a
/// batch of 10,000 users in calls of 100 and writes again through the sync itself (read, compare, write what still
/// differs).
/// </summary>
internal interface IReadBackCalls<TItem, TResult, TReadItem, TState>
    where TItem : class
    where TResult : class
    where TReadItem : class
    where TState : class
{
    /// <summary>Whether the write of <paramref name="item"/>, answered <paramref name="result"/>, sent anything (a sync's user found equal was not written, and needs no read-back).</summary>
    bool Wrote(TItem item, TResult result);

    /// <summary>Reads the users; one outcome per item, in order (never throws for a failed call).</summary>
    Task<ItemOutcome<TState>[]> ReadAsync(IReadOnlyList<TReadItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending);

    /// <summary>Writes the items once more (the users found different); one outcome per item, in order.</summary>
    Task<ItemOutcome<TResult>[]> WriteAgainAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending);
}

/// <summary>A batch operation that reads back what it wrote (-Verify): the engine sees it by this.</summary>
internal interface IVerifyingOperation
{
    /// <summary>The settle delay it waits before reading back a user with an attempt of unknown outcome.</summary>
    TimeSpan Settle { get; }
}

/// <summary>
/// -Verify, as a decorator of a write operation: it sends the batch, reads back the users whose write succeeded
/// (through the read operation, which has its own quota, so the reads run alongside the writes), compares each with
/// what was meant, sends the write once more for the users that differ, reads those again, and reports a user that
/// still differs as <see cref="ErrorIds.VerifyMismatch"/>. Users whose every attempt had a known outcome are read back
/// at once; a user that had an attempt of unknown outcome (<see cref="ItemOutcome{TResult}.HadUnknownAttempt"/>: an
/// abandoned call that may still land) is read back only after <see cref="VerifyOptions.Settle"/>, so that a stale
/// call landing meanwhile is caught; the batch ends after that wait, so the engine's rule that a repeat of a user
/// waits for the earlier call to finish makes a later write of that user wait for it too. One outcome per item, in
/// order, as the engine requires.
/// </summary>
/// <remarks>
/// How users are read back and written again is <see cref="IReadBackCalls{TItem,TResult,TReadItem,TState}"/>: by
/// default the write's and the read's own operations (a batch of at most 100 users, one read call); a -Replace sync
/// (a batch of 10,000) gives its own, which reads back only the users it wrote, 100 a call, and writes again by
/// running the sync for them. A write declined at its question (-WhatIf) is not read back.
/// A user whose read-back fails is reported with the read's failure (its id and category), the message saying it was
/// written but not verified; a user whose second write fails is reported with that failure. Under a stopped run
/// (stopSending), a user not yet verified keeps its write's success, or, when it had an attempt of unknown outcome,
/// is counted as outcome unknown.
/// </remarks>
internal sealed class VerifiedWrites<TItem, TResult, TReadItem, TState> : IBatchOperation<TItem, TResult>, IVerifyingOperation, IDisposable
    where TItem : class
    where TResult : class
    where TReadItem : class
    where TState : class
{
    private readonly IBatchOperation<TItem, TResult> _write;
    private readonly IReadBackCalls<TItem, TResult, TReadItem, TState> _calls;
    private readonly IReadBackCheck<TItem, TReadItem, TState> _check;
    private readonly string _readApi;
    private readonly ReadBackShown _shown;
    private readonly IClock _clock;
    private readonly VerifyOptions _options;

    /// <summary>Verifies <paramref name="write"/> with <paramref name="read"/> (the API <paramref name="readApi"/>) and <paramref name="check"/>.</summary>
    /// <param name="write">The write operation.</param>
    /// <param name="read">The read operation of the same users.</param>
    /// <param name="check">What the write meant, compared with what the read found.</param>
    /// <param name="readApi">The read's API name, for messages.</param>
    /// <param name="scrub">The connection's secret scrubber, for values shown in messages.</param>
    /// <param name="clock">The connection's clock: the settle delay waits on it.</param>
    /// <param name="options">The settle delay.</param>
    public VerifiedWrites(IBatchOperation<TItem, TResult> write, IBatchOperation<TReadItem, TState> read, IReadBackCheck<TItem, TReadItem, TState> check,
        string readApi, Func<string?, string?> scrub, IClock clock, VerifyOptions options)
        : this(write, new OwnCalls(write, read), check, readApi, scrub, clock, options)
    {
    }

    /// <summary>Verifies <paramref name="write"/> through <paramref name="calls"/> (a sync's read-backs and second writes) and <paramref name="check"/>.</summary>
    /// <param name="write">The write operation (its batch is sent as it is).</param>
    /// <param name="calls">How users are read back and written once more.</param>
    /// <param name="check">What the write meant, compared with what the read found.</param>
    /// <param name="readApi">The read's API name, for messages.</param>
    /// <param name="scrub">The connection's secret scrubber, for values shown in messages.</param>
    /// <param name="clock">The connection's clock: the settle delay waits on it.</param>
    /// <param name="options">The settle delay.</param>
    public VerifiedWrites(IBatchOperation<TItem, TResult> write, IReadBackCalls<TItem, TResult, TReadItem, TState> calls, IReadBackCheck<TItem, TReadItem, TState> check,
        string readApi, Func<string?, string?> scrub, IClock clock, VerifyOptions options)
    {
        _write = write;
        _calls = calls;
        _check = check;
        _readApi = readApi;
        _shown = new ReadBackShown(scrub);
        _clock = clock;
        _options = options;
    }

    /// <inheritdoc />
    public TimeSpan Settle => _options.Settle;

    /// <summary>Disposes the write when it holds something (a sync's limit of calls in flight): the engine disposes its operation, this one.</summary>
    public void Dispose() => (_write as IDisposable)?.Dispose();

    /// <inheritdoc />
    public string UserIdOf(TItem item) => _write.UserIdOf(item);

    /// <inheritdoc />
    public TItem Merge(TItem earlier, TItem later) => _write.Merge(earlier, later);

    /// <inheritdoc />
    public async Task<ItemOutcome<TResult>[]> ExecuteAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending = default)
    {
        var outcomes = await _write.ExecuteAsync(items, log, cancellationToken, stopSending).ConfigureAwait(false);
        var known = new List<int>();
        var late = new List<int>();
        var anyLate = false;
        for (var i = 0; i < outcomes.Length; i++)
        {
            anyLate |= outcomes[i].HadUnknownAttempt;
            if (outcomes[i].Failure is not null || outcomes[i].Declined || !_check.NeedsReadBack(items[i]) || !_calls.Wrote(items[i], outcomes[i].Result!)) continue;
            (outcomes[i].HadUnknownAttempt ? late : known).Add(i);
        }
        var run = new Run(this, items, outcomes, log, cancellationToken, stopSending);
        // The known users are read at once; the others (and a failed user's stale call too: a later write of it
        // must not race it) after the settle delay. Both on this batch's task, which ends when both have.
        await Task.WhenAll(run.VerifyAsync(known, settleFirst: false), anyLate ? run.VerifyAsync(late, settleFirst: true) : Task.CompletedTask).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>A plain write's read-backs (one batch of at most 100 users: one read call) and second write: its own operations.</summary>
    private sealed class OwnCalls : IReadBackCalls<TItem, TResult, TReadItem, TState>
    {
        private readonly IBatchOperation<TItem, TResult> _write;
        private readonly IBatchOperation<TReadItem, TState> _read;

        public OwnCalls(IBatchOperation<TItem, TResult> write, IBatchOperation<TReadItem, TState> read)
        {
            _write = write;
            _read = read;
        }

        public bool Wrote(TItem item, TResult result) => true;

        public Task<ItemOutcome<TState>[]> ReadAsync(IReadOnlyList<TReadItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending) =>
            _read.ExecuteAsync(items, log, cancellationToken, stopSending);

        public Task<ItemOutcome<TResult>[]> WriteAgainAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending) =>
            _write.ExecuteAsync(items, log, cancellationToken, stopSending);
    }

    /// <summary>One batch's verification: its items, their outcomes (updated in place, each index by one flow), its tokens.</summary>
    private sealed class Run
    {
        private readonly VerifiedWrites<TItem, TResult, TReadItem, TState> _owner;
        private readonly IReadOnlyList<TItem> _items;
        private readonly ItemOutcome<TResult>[] _outcomes;
        private readonly ICallLog _log;
        private readonly CancellationToken _cancel;
        private readonly CancellationToken _stop;

        public Run(VerifiedWrites<TItem, TResult, TReadItem, TState> owner, IReadOnlyList<TItem> items, ItemOutcome<TResult>[] outcomes, ICallLog log, CancellationToken cancel, CancellationToken stop)
        {
            _owner = owner;
            _items = items;
            _outcomes = outcomes;
            _log = log;
            _cancel = cancel;
            _stop = stop;
        }

        /// <summary>Reads back <paramref name="indices"/> (after the settle delay when <paramref name="settleFirst"/>), sends the ones that differ once more, and reads those again.</summary>
        public async Task VerifyAsync(List<int> indices, bool settleFirst)
        {
            if (settleFirst && !await SettleAsync(indices, "an attempt of unknown outcome").ConfigureAwait(false)) return;
            if (indices.Count == 0) return;
            var differing = new List<int>();
            var first = new Dictionary<int, ReadBackDifference>();
            foreach (var (i, difference) in await ReadBackAsync(indices).ConfigureAwait(false))
            {
                if (difference is null) continue;
                differing.Add(i);
                first.Add(i, difference);
            }
            _log.Counters.AddMismatched(differing.Count);
            if (differing.Count == 0) return;
            _log.Write($"{_owner._readApi}: {differing.Count} user(s) read back differ from what was written; sending them once more");
            var again = await _owner._calls.WriteAgainAsync(differing.Select(i => _items[i]).ToList(), _log, _cancel, _stop).ConfigureAwait(false);
            var sent = new List<int>();
            var anyLate = false;
            for (var k = 0; k < differing.Count; k++)
            {
                var i = differing[k];
                anyLate |= again[k].HadUnknownAttempt;
                if (again[k].Failure is { } failure) _outcomes[i] = ItemOutcome<TResult>.Failed(Context(failure, "found different when read back, so it was sent once more, and that failed: "));
                else if (again[k].Declined) _outcomes[i] = Mismatch(i, first[i]);   // the second write was declined (-Confirm): it still differs
                else if (_owner._calls.Wrote(_items[i], again[k].Result!)) sent.Add(i);
                // else: a sync's second pass read the user and found it equal (nothing to write): its own read is the proof.
            }
            if (anyLate && !await SettleAsync(sent, "a second write of unknown outcome").ConfigureAwait(false)) return;
            if (sent.Count == 0) return;
            foreach (var (i, difference) in await ReadBackAsync(sent, count: false).ConfigureAwait(false))
            {
                if (difference is not null) _outcomes[i] = Mismatch(i, difference);
            }
        }

        /// <summary>The user of item <paramref name="i"/> still differs: <see cref="ErrorIds.VerifyMismatch"/>, with the expected and found values.</summary>
        private ItemOutcome<TResult> Mismatch(int i, ReadBackDifference difference)
        {
            var user = _owner.UserIdOf(_items[i]);
            return ItemOutcome<TResult>.Failed(new ItemFailure(new VerifyMismatchException(user, _owner._readApi, difference.Expected, difference.Found),
                ErrorIds.VerifyMismatch, ImErrorCategory.InvalidResult, user));
        }

        /// <summary>
        /// Waits the settle delay; false when the run stopped meanwhile: then the users not yet verified count as of
        /// unknown outcome (their write succeeded, but a stale call may still land).
        /// </summary>
        private async Task<bool> SettleAsync(List<int> indices, string why)
        {
            var settle = _owner._options.Settle;
            _log.Write($"-Verify: after {why} (a call given up on may still land), waiting the settle delay of {settle.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s before reading back {indices.Count} user(s)");
            using var waits = CancellationTokenSource.CreateLinkedTokenSource(_cancel, _stop);
            try
            {
                await _owner._clock.Delay(settle, waits.Token).ConfigureAwait(false);
                if (!_stop.IsCancellationRequested) return true;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested && !_cancel.IsCancellationRequested)
            {
                // The run stopped: handled below.
            }
            foreach (var i in indices) _outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.Unsent(_owner.UserIdOf(_items[i]), outcomeUnknown: true));
            return false;
        }

        /// <summary>
        /// Reads the users back and compares each with its item; returns the ones read, with what differs (null: as
        /// meant). A user whose read failed is left out and reported with the read's failure; <paramref name="count"/>
        /// counts the users compared (the first read of a user, not the second).
        /// </summary>
        private async Task<List<(int Index, ReadBackDifference? Difference)>> ReadBackAsync(List<int> indices, bool count = true)
        {
            var reads = await _owner._calls.ReadAsync(indices.Select(i => _owner._check.ReadItem(_items[i])).ToList(), _log, _cancel, _stop).ConfigureAwait(false);
            var compared = new List<(int, ReadBackDifference?)>(indices.Count);
            for (var k = 0; k < indices.Count; k++)
            {
                var i = indices[k];
                if (reads[k].Failure is { } failure)
                {
                    if (failure.NotSent)
                    {
                        // The run stopped before the read: the write stands as it was answered, of unknown outcome if it had such an attempt.
                        if (_outcomes[i].HadUnknownAttempt) _outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.Unsent(_owner.UserIdOf(_items[i]), outcomeUnknown: true));
                        continue;
                    }
                    _outcomes[i] = ItemOutcome<TResult>.Failed(Context(failure, "written, but reading it back to verify it failed: "));
                    continue;
                }
                compared.Add((i, _owner._check.Compare(_items[i], reads[k].Result!, _owner._shown)));
            }
            if (count) _log.Counters.AddVerified(compared.Count);
            return compared;
        }

        /// <summary>A failure of a user's verification step, its message saying which step; its id, category and target are the failure's.</summary>
        private static ItemFailure Context(ItemFailure failure, string step)
        {
            var target = failure.TargetObject as string ?? "";
            var prefix = $"User '{MessageText.Quote(target)}' was {step}";
            var exception = failure.Exception is ImApiException e ? e.WithContext(prefix) : failure.Exception;
            return new ItemFailure(exception, failure.ErrorId, failure.Category, failure.TargetObject, failure.OutcomeUnknown);
        }
    }
}
