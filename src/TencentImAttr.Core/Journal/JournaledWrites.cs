using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Operations;

namespace TencentImAttr.Core.Journal;

/// <summary>What a bulk run tells its journal about its input, on the pipeline thread: every record read, and batches declined at their question.</summary>
internal interface IJournalInput<TItem>
    where TItem : class
{
    /// <summary>
    /// A record was read (in input order): it takes the next position; a rejected one is journaled as such. False
    /// when the item is to be skipped (-Resume: the journal records it done, at this position, with this change).
    /// </summary>
    bool Received(ItemOutcome<TItem> read);

    /// <summary>-Resume: the items skipped so far; null when the run does not resume.</summary>
    long? Skipped { get; }

    /// <summary>A batch was declined at its question (-Confirm "No"): not sent.</summary>
    void Declined(IReadOnlyList<TItem> batch);
}

/// <summary>
/// A write run, journaled (-JournalPath). Each call: its users are read first through the operation's get API
/// (100 a call, on that API's own quota, while other batches' writes are out), a user whose read failed is not
/// written (its error says why: nothing is written that could not be undone); an intent record per item (its input
/// positions, user, intended change and prior) is flushed to the disk; then the write goes; then an outcome record
/// per item. A journal that cannot be written fails the call's users with
/// <see cref="ErrorIds.JournalWriteFailed"/>, which the engine takes for a broken connection: the run stops.
/// </summary>
internal class JournaledWrites<TItem, TResult, TState> : IBatchOperation<TItem, TResult>, IJournalInput<TItem>, IDisposable
    where TItem : class
    where TResult : class
    where TState : class
{
    private const int UsersPerRead = 100;

    private readonly IBatchOperation<TItem, TResult> _write;
    private readonly IBatchOperation<GetItem, TState> _read;
    private readonly JournalShape<TItem, TResult, TState> _shape;
    private readonly RunJournal _journal;
    private readonly ConditionalWeakTable<TItem, long[]> _positions = new();
    private readonly ConditionalWeakTable<TItem, object> _unknownBefore = new();
    private readonly ResumeIndex? _resume;
    private long _skipped;

    /// <summary>Journals <paramref name="write"/>, reading priors through <paramref name="read"/>, recording through <paramref name="shape"/>.</summary>
    public JournaledWrites(IBatchOperation<TItem, TResult> write, IBatchOperation<GetItem, TState> read, JournalShape<TItem, TResult, TState> shape, RunJournal journal, ResumeIndex? resume = null)
    {
        _resume = resume;
        _write = write;
        _read = read;
        _shape = shape;
        _journal = journal;
    }

    /// <summary>The journal written.</summary>
    public RunJournal Journal => _journal;

    /// <inheritdoc />
    public string UserIdOf(TItem item) => _write.UserIdOf(item);

    /// <summary>Merges as the write does; the merged item stands for the input positions of both.</summary>
    public TItem Merge(TItem earlier, TItem later)
    {
        var merged = _write.Merge(earlier, later);
        var positions = Concat(PositionsOf(earlier), PositionsOf(later));
        _positions.Remove(merged);
        _positions.Add(merged, positions);
        return merged;
    }

    /// <inheritdoc />
    public long? Skipped => _resume is null ? null : _skipped;

    /// <inheritdoc />
    public bool Received(ItemOutcome<TItem> read)
    {
        var position = _journal.NextPosition();
        if (read.Result is { } item)
        {
            switch (_resume?.Lookup(position, UserIdOf(item), _shape.ChangeKey(item)))
            {
                case ResumeState.Done:
                    _skipped++;
                    return false;
                case ResumeState.Unknown:
                    // Read back before its call, and written only if it differs.
                    _unknownBefore.Add(item, position);
                    break;
            }
            _positions.Remove(item);
            _positions.Add(item, new[] { position });
            return true;
        }
        using var lines = new JournalLines();
        var w = lines.Start(JournalRecordTypes.Rejected);
        WritePositions(w, new[] { position });
        if (read.Failure!.TargetObject is string user) w.WriteString("user", user);
        w.WriteString("errorId", read.Failure.ErrorId);
        lines.End();
        // A journal that cannot take this stops the run at the next call's intent.
        TryWrite(lines);
        return true;
    }

    /// <inheritdoc />
    public void Declined(IReadOnlyList<TItem> batch)
    {
        using var lines = new JournalLines();
        foreach (var item in batch)
        {
            var w = lines.Start(JournalRecordTypes.Declined);
            WritePositions(w, PositionsOf(item));
            w.WriteString("user", UserIdOf(item));
            lines.End();
        }
        TryWrite(lines);
    }

    /// <inheritdoc />
    public async Task<ItemOutcome<TResult>[]> ExecuteAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending = default)
    {
        var call = _journal.NextCall();
        var outcomes = new ItemOutcome<TResult>[items.Count];
        ItemOutcome<TState>[] priors;
        try
        {
            priors = await ReadPriorsAsync(items, log, cancellationToken, stopSending).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C before any intent: nothing of the write went out.
            throw CallCancelledException.Of(items, CallCancelledException.Outcomes<TItem, TResult>(new OperationCanceledException(), items, UserIdOf, sent: false), cancellationToken);
        }
        List<int>? readBack = null;
        var toWrite = new List<TItem>(items.Count);
        var at = new List<int>(items.Count);
        using (var intents = new JournalLines())
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (priors[i].Failure is { } failure)
                {
                    outcomes[i] = ItemOutcome<TResult>.Failed(NotWritten(failure, UserIdOf(items[i])));
                    continue;
                }
                var w = intents.Start(JournalRecordTypes.Intent);
                w.WriteNumber("call", call);
                WritePositions(w, PositionsOf(items[i]));
                w.WriteString("user", UserIdOf(items[i]));
                _shape.WriteIntent(w, items[i], priors[i].Result!);
                intents.End();
                if (_unknownBefore.TryGetValue(items[i], out _) && _shape.AlreadyApplied(items[i], priors[i].Result!))
                {
                    // -Resume: the earlier attempt landed; its outcome is recorded from the read, and nothing is sent.
                    outcomes[i] = ItemOutcome<TResult>.Success(_shape.AsDone(items[i], priors[i].Result!));
                    readBack ??= new List<int>();
                    readBack.Add(i);
                    continue;
                }
                toWrite.Add(items[i]);
                at.Add(i);
            }
            if (intents.IsEmpty) return outcomes;
            try
            {
                _journal.Write(intents, durable: true);
            }
            catch (ImApiException e)
            {
                foreach (var i in at.Concat(readBack ?? new List<int>())) outcomes[i] = ItemOutcome<TResult>.Failed(ItemFailure.FromApi(e, UserIdOf(items[i])));
                return outcomes;
            }
        }
        ItemOutcome<TResult>[] written;
        OperationCanceledException? cancelled = null;
        try
        {
            written = toWrite.Count == 0 ? Array.Empty<ItemOutcome<TResult>>() : await _write.ExecuteAsync(toWrite, log, cancellationToken, stopSending).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C cancelled the write: its outcomes are recorded all the same (NotSent where its request never
            // went out, Unknown where it may have), so the journal's intents are never left without one by a stop.
            cancelled = e;
            written = CallCancelledException.Outcomes<TItem, TResult>(e, toWrite, UserIdOf, sent: true);
        }
        using (var results = new JournalLines())
        {
            foreach (var i in readBack ?? new List<int>())
            {
                WriteOutcome(results, call, items[i], outcomes[i]);
            }
            for (var k = 0; k < toWrite.Count; k++)
            {
                WriteOutcome(results, call, toWrite[k], written[k]);
                outcomes[at[k]] = written[k];
            }
            // These calls are over: a journal that fails now stops the run at the next call's intent, or at its end.
            TryWrite(results);
        }
        if (cancelled is not null) throw CallCancelledException.Of(items, outcomes, cancellationToken);
        return outcomes;
    }

    /// <summary>The outcome's word in the format (docs/journal.md).</summary>
    internal static string OutcomeWord(ItemOutcome<TResult> outcome) => outcome switch
    {
        { Declined: true } => JournalOutcomes.Declined,
        { Failure: null } => JournalOutcomes.Done,
        { Failure.ErrorId: ErrorIds.ReplacePartlyApplied } => JournalOutcomes.PartlyApplied,
        { Failure.OutcomeUnknown: true } => JournalOutcomes.Unknown,
        // A list sent in parts whose earlier parts landed: the item is part-way, whatever stopped the rest.
        { Failure: { Parts: not null, FailedPart: > 0 } } => JournalOutcomes.PartlyApplied,
        { Failure.NotSent: true } => JournalOutcomes.NotSent,
        _ => JournalOutcomes.Failed,
    };

    /// <inheritdoc />
    public void Dispose() => (_write as IDisposable)?.Dispose();

    private void WriteOutcome(JournalLines lines, long call, TItem item, ItemOutcome<TResult> outcome)
    {
        var w = lines.Start(JournalRecordTypes.Outcome);
        w.WriteNumber("call", call);
        WritePositions(w, PositionsOf(item));
        w.WriteString("user", UserIdOf(item));
        w.WriteString("outcome", OutcomeWord(outcome));
        if (outcome.Failure is { } failure) w.WriteString("errorId", failure.ErrorId);
        // A stale call of an abandoned attempt may still land after this outcome: an undo reads such a user back.
        if (outcome.HadUnknownAttempt) w.WriteBoolean("hadUnknownAttempt", true);
        if (outcome.Failure is null && !outcome.Declined && outcome.Result is { } result) _shape.WriteEffect(w, result);
        if (outcome.Failure is { Parts: { } parts } parted) WriteParts(w, parts, parted);
        lines.End();
    }

    /// <summary>
    /// A list sent in parts that did not complete: each part's own change and outcome (those before the failed one
    /// landed; the failed one has the item's failure; the rest were not sent), so that an undo puts back only what
    /// may have landed.
    /// </summary>
    private void WriteParts(System.Text.Json.Utf8JsonWriter w, IReadOnlyList<object> parts, ItemFailure failure)
    {
        w.WriteStartArray("parts");
        for (var k = 0; k < parts.Count; k++)
        {
            w.WriteStartObject();
            if (parts[k] is TItem part) _shape.WritePart(w, part);
            w.WriteString("outcome", k < failure.FailedPart ? JournalOutcomes.Done
                : k > failure.FailedPart ? JournalOutcomes.NotSent
                : failure.OutcomeUnknown ? JournalOutcomes.Unknown
                : failure.NotSent ? JournalOutcomes.NotSent
                : JournalOutcomes.Failed);
            if (k == failure.FailedPart) w.WriteString("errorId", failure.ErrorId);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private async Task<ItemOutcome<TState>[]> ReadPriorsAsync(IReadOnlyList<TItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending)
    {
        // A sync batch holds many calls' worth of users: its reads go 100 a call, side by side, on the read API's quota.
        var parts = new List<Task<ItemOutcome<TState>[]>>((items.Count + UsersPerRead - 1) / UsersPerRead);
        for (var start = 0; start < items.Count; start += UsersPerRead)
        {
            var users = new List<GetItem>(Math.Min(UsersPerRead, items.Count - start));
            for (var i = start; i < items.Count && i < start + UsersPerRead; i++) users.Add(new GetItem(UserIdOf(items[i])));
            parts.Add(_read.ExecuteAsync(users, log, cancellationToken, stopSending));
        }
        var read = await Task.WhenAll(parts).ConfigureAwait(false);
        var all = new ItemOutcome<TState>[items.Count];
        var next = 0;
        foreach (var part in read)
        {
            Array.Copy(part, 0, all, next, part.Length);
            next += part.Length;
        }
        return all;
    }

    /// <summary>A user whose prior could not be read is not written; a failure of the connection keeps its kind (the run stops on it).</summary>
    private static ItemFailure NotWritten(ItemFailure read, string user)
    {
        if (read.NotSent) return read;
        return read.Exception is ImApiException e
            ? ItemFailure.FromApi(e.WithContext($"User '{Text.MessageText.Quote(user)}' was not written: what it held could not be read for the journal (so the write could not be undone). "), user)
            : read;
    }

    private long[] PositionsOf(TItem item) => _positions.TryGetValue(item, out var positions) ? positions : Array.Empty<long>();

    private static long[] Concat(long[] a, long[] b)
    {
        var all = new long[a.Length + b.Length];
        a.CopyTo(all, 0);
        b.CopyTo(all, a.Length);
        return all;
    }

    private static void WritePositions(System.Text.Json.Utf8JsonWriter w, long[] positions)
    {
        w.WriteStartArray("pos");
        foreach (var p in positions) w.WriteNumberValue(p);
        w.WriteEndArray();
    }

    private void TryWrite(JournalLines lines)
    {
        try
        {
            _journal.Write(lines, durable: false);
        }
        catch (ImApiException)
        {
            // Kept in RunJournal.Failure: the next intent fails with it (the run stops), or the command reports it at its end.
        }
    }
}

/// <summary>A journaled write that verifies (-Verify): the engine counts its verified users.</summary>
internal sealed class VerifyingJournaledWrites<TItem, TResult, TState> : JournaledWrites<TItem, TResult, TState>, IVerifyingOperation
    where TItem : class
    where TResult : class
    where TState : class
{
    private readonly IVerifyingOperation _verifying;

    /// <inheritdoc cref="JournaledWrites{TItem,TResult,TState}(IBatchOperation{TItem,TResult},IBatchOperation{GetItem,TState},JournalShape{TItem,TResult,TState},RunJournal,ResumeIndex)" />
    public VerifyingJournaledWrites(IBatchOperation<TItem, TResult> write, IBatchOperation<GetItem, TState> read, JournalShape<TItem, TResult, TState> shape, RunJournal journal, ResumeIndex? resume)
        : base(write, read, shape, journal, resume) => _verifying = (IVerifyingOperation)write;

    /// <inheritdoc />
    public TimeSpan Settle => _verifying.Settle;
}

/// <summary>The outcome words of the format.</summary>
internal static class JournalOutcomes
{
    /// <summary>The service applied the item.</summary>
    public const string Done = "Done";
    /// <summary>The service refused it, or it failed for good (errorId says why).</summary>
    public const string Failed = "Failed";
    /// <summary>The last attempt was cut after it was sent: it may have been applied.</summary>
    public const string Unknown = "Unknown";
    /// <summary>Declined at its question: not sent.</summary>
    public const string Declined = "Declined";
    /// <summary>The run stopped before it was sent.</summary>
    public const string NotSent = "NotSent";
    /// <summary>-Replace: the set landed, the remove did not (or the other way round); a tag list sent in parts: some parts landed, a later one did not.</summary>
    public const string PartlyApplied = "PartlyApplied";
}

/// <summary>Wraps a write in its journal, keeping -Verify's marker.</summary>
internal static class JournaledRuns
{
    /// <summary>The write <paramref name="write"/>, journaled in <paramref name="journal"/>.</summary>
    public static JournaledWrites<TItem, TResult, TState> Wrap<TItem, TResult, TState>(IBatchOperation<TItem, TResult> write, IBatchOperation<GetItem, TState> read,
        JournalShape<TItem, TResult, TState> shape, RunJournal journal, ResumeIndex? resume = null)
        where TItem : class
        where TResult : class
        where TState : class =>
        write is IVerifyingOperation
            ? new VerifyingJournaledWrites<TItem, TResult, TState>(write, read, shape, journal, resume)
            : new JournaledWrites<TItem, TResult, TState>(write, read, shape, journal, resume);
}
