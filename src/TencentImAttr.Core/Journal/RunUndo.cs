using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Operations;
using TencentImAttr.Core.Text;
using TencentImAttr.Models;
using static TencentImAttr.Core.Journal.JournalFields;

namespace TencentImAttr.Core.Journal;

/// <summary>What one batch of an undo did: its steps (the plan), and the users whose read or restore failed.</summary>
internal sealed class UndoBatch
{
    /// <summary>Every step planned, in journal order.</summary>
    public List<RunUndoStep> Steps { get; } = new();

    /// <summary>Users whose read or restore failed.</summary>
    public List<ItemFailure> Failures { get; } = new();
}

/// <summary>
/// Undo-ImRun in the core: checks a journal's headers against the connection, then, for one batch of items, reads
/// what the users hold now, plans each item's steps (<see cref="UndoPlan"/>), and, unless only planning (-WhatIf),
/// restores what each step says, journaling its own writes (-JournalPath) the way a write run does, so that an undo
/// can be undone. <see cref="UndoScheduler"/> runs several batches side by side; this class holds no state of a
/// batch, only what the whole undo shares (the settle wait, -WhatIf's <see cref="PlannedStates"/>).
/// </summary>
internal sealed class RunUndo
{
    /// <summary>Journal items per batch: one read call of each kind, and at most a few write calls.</summary>
    public const int BatchSize = 100;

    private readonly ImConnection _connection;
    private readonly bool _overwrite;
    private readonly RunJournal? _journal;
    private readonly DateTimeOffset _settledAt;
    private readonly TimeSpan _settle;
    private readonly PlannedStates _planned = new(PlannedStates.DefaultCapacity);
    private readonly object _settleGate = new();
    private Task? _settled;

    /// <summary>
    /// An undo over <paramref name="connection"/>; <paramref name="overwrite"/> restores conflicts too; <paramref name="journal"/> journals the undo.
    /// <paramref name="lastWritten"/> (when the journal was last written) plus <paramref name="settle"/> is when a call the run gave up on can
    /// no longer land: users of unknown outcome are not read before then.
    /// </summary>
    public RunUndo(ImConnection connection, bool overwrite, RunJournal? journal, DateTimeOffset lastWritten, TimeSpan settle)
    {
        _connection = connection;
        _overwrite = overwrite;
        _journal = journal;
        _settledAt = lastWritten + settle;
        _settle = settle;
    }

    /// <summary>
    /// Before the first read of an item that may still land (an attempt of unknown outcome, or no outcome written),
    /// waits until the settle delay after the journal's last write has passed, on the connection's clock: a read
    /// before then could see the prior, and the abandoned call land after the undo. An undo run long after waits not.
    /// One wait for the whole undo: the batches in flight that need it wait for the same one.
    /// </summary>
    private Task SettleAsync(IEnumerable<RunJournalRecord> items, CancellationToken cancellationToken)
    {
        if (!items.Any(UndoPlan.MayStillLand)) return Task.CompletedTask;
        lock (_settleGate)
        {
            return _settled ??= WaitSettledAsync(cancellationToken);
        }
    }

    private async Task WaitSettledAsync(CancellationToken cancellationToken)
    {
        // Never longer than the delay itself: a file time in the future (a copy from a machine whose clock is ahead) is no reason to wait more.
        var wait = _settledAt - _connection.Clock.UtcNow;
        if (wait > _settle) wait = _settle;
        if (wait > TimeSpan.Zero) await _connection.Clock.Delay(wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses a journal of another app, endpoint or family: one error naming the file and the line.</summary>
    public void Check(RunJournalHeader header) => Check(header, _connection);

    /// <summary>
    /// Reads the whole journal at <paramref name="path"/> once, forward, before anything is sent: every line must be
    /// valid (JournalInvalid naming the file and the line) and every run's header of the connection's app, endpoint
    /// and family (JournalOtherApp), so that an edited or foreign journal is one error and nothing is sent; the undo
    /// then reads it backwards. <paramref name="torn"/> is told a torn last line; <paramref name="cancellationToken"/> (Ctrl+C) stops the read.
    /// </summary>
    public static void CheckJournal(string path, ImConnection connection, Action<long>? torn, CancellationToken cancellationToken)
    {
        foreach (var entry in JournalReader.Read(path, torn))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry is RunJournalHeader header) Check(header, connection);
        }
    }

    private static void Check(RunJournalHeader header, ImConnection connection)
    {
        if (header.AppId != connection.SdkAppId)
        {
            throw Mismatch(header, $"it is of app {header.AppId}, and the connection is to app {connection.SdkAppId}");
        }
        var endpoint = connection.BaseUri.GetLeftPart(UriPartial.Path);
        if (!string.Equals(header.Endpoint, endpoint, StringComparison.OrdinalIgnoreCase))
        {
            throw Mismatch(header, $"it is of the endpoint {MessageText.Escape(header.Endpoint)}, and the connection's is {endpoint}");
        }
        if (!string.Equals(header.Service, connection.Service.ToString(), StringComparison.Ordinal))
        {
            throw Mismatch(header, $"it is of the {MessageText.Escape(header.Service)} family, and the connection is to {connection.Service}");
        }
    }

    private static ImInputException Mismatch(RunJournalHeader header, string why) =>
        new(ErrorIds.JournalOtherApp, $"The journal '{MessageText.Escape(header.Path)}' cannot be undone over this connection (line {header.Line}): {why}. Nothing was sent.", header.Path);

    /// <summary>
    /// Plans (and, with <paramref name="apply"/>, restores) one batch of user items (at most <see cref="BatchSize"/>, each user once).
    /// Only planning (-WhatIf), nothing is restored, so a user planned already (a later record of it: the undo goes
    /// backwards) is planned against what that plan would have left, not against what it holds now (<see cref="PlannedStates"/>).
    /// </summary>
    public async Task<UndoBatch> UndoAsync(IReadOnlyList<RunJournalRecord> items, bool apply, ICallLog log, CancellationToken cancellationToken)
    {
        var result = new UndoBatch();
        await SettleAsync(items, cancellationToken).ConfigureAwait(false);
        var attributeItems = items.Where(UndoPlan.IsAttributes).ToList();
        var tagItems = items.Where(UndoPlan.IsTags).ToList();
        var attributesNow = await ReadAsync(BulkOperations.Get(_connection), attributeItems, a => (IReadOnlyDictionary<string, string>)a.Attributes, log, result, cancellationToken).ConfigureAwait(false);
        var tagsNow = await ReadAsync(BulkOperations.GetTags(_connection), tagItems, t => t.Tags, log, result, cancellationToken).ConfigureAwait(false);
        if (!apply) _planned.Overlay(attributesNow, tagsNow);
        var perUser = new List<(RunJournalRecord Item, List<RunUndoStep> Steps)>();
        foreach (var item in items)
        {
            var steps = new List<RunUndoStep>();
            if (UndoPlan.IsAttributes(item) && attributesNow.TryGetValue(item.UserId!, out var values)) steps.AddRange(UndoPlan.Attributes(item, values, _overwrite));
            if (UndoPlan.IsTags(item) && tagsNow.TryGetValue(item.UserId!, out var tags)) steps.AddRange(UndoPlan.Tags(item, tags, _overwrite));
            result.Steps.AddRange(steps);
            perUser.Add((item, steps));
        }
        if (apply) await RestoreAsync(perUser, attributesNow, tagsNow, log, result, cancellationToken).ConfigureAwait(false);
        else _planned.Record(perUser, attributesNow, tagsNow);
        return result;
    }

    private static async Task<Dictionary<string, TValue>> ReadAsync<TState, TValue>(IBatchOperation<GetItem, TState> read, List<RunJournalRecord> items, Func<TState, TValue> value,
        ICallLog log, UndoBatch result, CancellationToken cancellationToken)
        where TState : class
    {
        var found = new Dictionary<string, TValue>(StringComparer.Ordinal);
        if (items.Count == 0) return found;
        var users = items.Select(i => new GetItem(i.UserId!)).ToList();
        var outcomes = await read.ExecuteAsync(users, log, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < users.Count; i++)
        {
            if (outcomes[i].Failure is { } failure)
            {
                if (failure.Exception is ImApiException e && ResponseClassifier.IsConnectionLevel(e)) throw e;
                result.Failures.Add(failure);
            }
            else
            {
                found[users[i].UserId] = value(outcomes[i].Result!);
            }
        }
        return found;
    }

    private static bool Restores(RunUndoStep step) => step.Action is UndoActions.Restore or UndoActions.Overwrite;

    private async Task RestoreAsync(List<(RunJournalRecord Item, List<RunUndoStep> Steps)> perUser, Dictionary<string, IReadOnlyDictionary<string, string>> attributesNow,
        Dictionary<string, IReadOnlyList<string>> tagsNow, ICallLog log, UndoBatch result, CancellationToken cancellationToken)
    {
        var sets = new List<SetItem>();
        var removes = new List<RemoveItem>();
        var tagAdds = new List<TagItem>();
        var tagRemoves = new List<TagItem>();
        var tagReplaces = new List<TagItem>();
        var clears = new List<GetItem>();
        var clearThenAdd = new List<TagItem>();
        var journaled = new List<string>();
        using var intents = new JournalLines();
        // One call number for the batch's restores, taken here: batches run side by side.
        var call = _journal?.NextCall() ?? 0;
        foreach (var (item, steps) in perUser)
        {
            var restore = steps.Where(Restores).ToList();
            if (restore.Count == 0) continue;
            var user = item.UserId!;
            var set = restore.Where(s => s.Kind == "Attribute" && s.Prior is not null).ToDictionary(s => s.Name, s => s.Prior!, StringComparer.Ordinal);
            var remove = restore.Where(s => s.Kind == "Attribute" && s.Prior is null).Select(s => s.Name).ToList();
            var addTags = restore.Where(s => s.Kind == "Tag" && s.Prior is not null).Select(s => s.Name).ToList();
            var removeTags = restore.Where(s => s.Kind == "Tag" && s.Prior is null).Select(s => s.Name).ToList();
            var tagSet = restore.FirstOrDefault(s => s.Kind == "TagSet");
            if (set.Count > 0) sets.Add(new SetItem(user, set));
            if (remove.Count > 0) removes.Add(new RemoveItem(user, remove));
            if (addTags.Count > 0) tagAdds.Add(new TagItem(user, addTags));
            if (removeTags.Count > 0) tagRemoves.Add(new TagItem(user, removeTags));
            List<string>? priorSet = null;
            if (tagSet is not null)
            {
                priorSet = item.PriorTags?.ToList() ?? new List<string>();
                if (priorSet.Count == 0) clears.Add(new GetItem(user));
                else if (_connection.Service == ImService.Push) tagReplaces.Add(new TagItem(user, priorSet));
                // all_member_push has no replace: clear, then add the prior set (a user without tags needs the add alone).
                else if (tagsNow.TryGetValue(user, out var held) && held.Count == 0) tagAdds.Add(new TagItem(user, priorSet));
                else clearThenAdd.Add(new TagItem(user, priorSet));
            }
            if (_journal is not null)
            {
                WriteIntent(intents, call, user, set, remove, addTags, removeTags, priorSet, attributesNow, tagsNow);
                journaled.Add(user);
            }
        }
        if (_journal is not null && !intents.IsEmpty)
        {
            // The undo's own intents (what it changes, what is there now) are on the disk before any of its writes go.
            _journal.Write(intents, durable: true);
        }
        var failed = new Dictionary<string, ItemFailure>(StringComparer.Ordinal);
        // Users one of whose restore calls (or parts of one) landed: if another failed, the undo's journal says PartlyApplied, not Failed.
        var landed = new HashSet<string>(StringComparer.Ordinal);
        // Users whose every restore call answered: after Ctrl+C, the others were cut short.
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var calls = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var user in sets.Select(i => i.UserId).Concat(removes.Select(i => i.UserId)).Concat(tagRemoves.Select(i => i.UserId)).Concat(tagReplaces.Select(i => i.UserId))
            .Concat(clears.Select(i => i.UserId)).Concat(clearThenAdd.Select(i => i.UserId)).Concat(clearThenAdd.Select(i => i.UserId)).Concat(tagAdds.Select(i => i.UserId)))
        {
            calls[user] = calls.TryGetValue(user, out var n) ? n + 1 : 1;
        }
        var answered = new Dictionary<string, int>(StringComparer.Ordinal);
        void Answered(string user)
        {
            answered[user] = answered.TryGetValue(user, out var n) ? n + 1 : 1;
            if (answered[user] >= calls[user]) finished.Add(user);
        }
        OperationCanceledException? cancelled = null;
        try
        {
            await SendAsync(BulkOperations.Set(_connection), sets, log, failed, landed, Answered, cancellationToken).ConfigureAwait(false);
            await SendAsync(BulkOperations.Remove(_connection), removes, log, failed, landed, Answered, cancellationToken).ConfigureAwait(false);
            await SendAsync(BulkOperations.RemoveTags(_connection), tagRemoves, log, failed, landed, Answered, cancellationToken).ConfigureAwait(false);
            await SendAsync(BulkOperations.AddTags(_connection, replace: true), tagReplaces, log, failed, landed, Answered, cancellationToken).ConfigureAwait(false);
            await SendAsync(BulkOperations.ClearTags(_connection), clears.Concat(clearThenAdd.Select(t => new GetItem(t.UserId))).ToList(), log, failed, landed, Answered, cancellationToken).ConfigureAwait(false);
            // A user whose clear failed is not added to: its second call is over with the first.
            foreach (var t in clearThenAdd.Where(t => failed.ContainsKey(t.UserId))) Answered(t.UserId);
            await SendAsync(BulkOperations.AddTags(_connection, replace: false), tagAdds.Concat(clearThenAdd.Where(t => !failed.ContainsKey(t.UserId))).ToList(), log, failed, landed, Answered, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the outcomes are still journaled (below), then the undo stops.
            cancelled = e;
        }
        result.Failures.AddRange(failed.Values);
        if (_journal is not null && journaled.Count > 0)
        {
            using var outcomes = new JournalLines();
            foreach (var user in journaled)
            {
                var w = outcomes.Start(JournalRecordTypes.Outcome);
                w.WriteNumber("call", call);
                w.WriteStartArray("pos");
                w.WriteEndArray();
                w.WriteString("user", user);
                if (failed.TryGetValue(user, out var failure))
                {
                    w.WriteString("outcome", failure.OutcomeUnknown ? JournalOutcomes.Unknown : landed.Contains(user) ? JournalOutcomes.PartlyApplied
                        : failure.NotSent ? JournalOutcomes.NotSent : JournalOutcomes.Failed);
                    w.WriteString("errorId", failure.ErrorId);
                }
                else if (cancelled is not null && !finished.Contains(user))
                {
                    // Ctrl+C came before its (next) call: not sent, or part-way when an earlier call of it landed.
                    w.WriteString("outcome", landed.Contains(user) ? JournalOutcomes.PartlyApplied : JournalOutcomes.NotSent);
                    w.WriteString("errorId", ErrorIds.NotSent);
                }
                else
                {
                    w.WriteString("outcome", JournalOutcomes.Done);
                }
                outcomes.End();
            }
            _journal.Write(outcomes, durable: false);
        }
        if (cancelled is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(cancelled).Throw();
    }

    private void WriteIntent(JournalLines lines, long call, string user, Dictionary<string, string> set, List<string> remove, List<string> addTags, List<string> removeTags, List<string>? tagSet,
        Dictionary<string, IReadOnlyDictionary<string, string>> attributesNow, Dictionary<string, IReadOnlyList<string>> tagsNow)
    {
        var w = lines.Start(JournalRecordTypes.Intent);
        w.WriteNumber("call", call);
        w.WriteStartArray("pos");
        w.WriteNumberValue(_journal!.NextPosition());
        w.WriteEndArray();
        w.WriteString("user", user);
        if (set.Count > 0) WriteValues(w, "set", set);
        if (remove.Count > 0) WriteList(w, "remove", remove);
        if (set.Count > 0 || remove.Count > 0)
        {
            WritePrior(w, set.Keys.Concat(remove), attributesNow.TryGetValue(user, out var held) ? held : new Dictionary<string, string>());
        }
        if (addTags.Count > 0) WriteList(w, "addTags", addTags);
        if (removeTags.Count > 0) WriteList(w, "removeTags", removeTags);
        if (tagSet is not null)
        {
            if (tagSet.Count == 0) w.WriteBoolean("clearTags", true);
            else WriteList(w, "replaceTags", tagSet);
        }
        if (addTags.Count > 0 || removeTags.Count > 0 || tagSet is not null)
        {
            WriteList(w, "priorTags", tagsNow.TryGetValue(user, out var t) ? t : Array.Empty<string>());
        }
        lines.End();
    }

    private static async Task SendAsync<TItem, TResult>(IBatchOperation<TItem, TResult> operation, List<TItem> items, ICallLog log, Dictionary<string, ItemFailure> failed, HashSet<string> landed,
        Action<string> answered, CancellationToken cancellationToken)
        where TItem : class
        where TResult : class
    {
        if (items.Count == 0) return;
        ItemOutcome<TResult>[] outcomes;
        OperationCanceledException? cancelled = null;
        try
        {
            outcomes = await operation.ExecuteAsync(items, log, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C cancelled the call: each user not sent, or of unknown outcome where its request may have gone out.
            cancelled = e;
            outcomes = CallCancelledException.Outcomes<TItem, TResult>(e, items, operation.UserIdOf, sent: true);
        }
        for (var i = 0; i < items.Count; i++)
        {
            var user = operation.UserIdOf(items[i]);
            answered(user);
            // An attempt of unknown outcome may have landed, whatever the last attempt's answer: PartlyApplied, not Failed.
            if (outcomes[i].HadUnknownAttempt) landed.Add(user);
            if (outcomes[i].Failure is not { } failure)
            {
                landed.Add(user);
                continue;
            }
            if (failure.Exception is ImApiException e && ResponseClassifier.IsConnectionLevel(e)) throw e;
            // A tag list sent in parts whose first parts landed before one failed.
            if (failure.FailedPart > 0) landed.Add(user);
            if (!failed.ContainsKey(user)) failed.Add(user, failure);
        }
        if (cancelled is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(cancelled).Throw();
    }

    /// <summary>Set-ImAppAttributeName's item: the names now; restored when they are what the run set and no account type changed since.</summary>
    public async Task<RunUndoStep> UndoAppNamesAsync(RunJournalRecord item, bool apply, ICallLog log, CancellationToken cancellationToken)
    {
        await SettleAsync(new[] { item }, cancellationToken).ConfigureAwait(false);
        var now = await AppAttributeNames.GetAsync(_connection, log, cancellationToken).ConfigureAwait(false);
        var nowText = NamesText(now.Select(n => new KeyValuePair<int, string>(n.Slot, n.Name)));
        var intended = NamesText(BySlot(item.AppAttributeNames));
        var prior = NamesText(BySlot(item.PriorAppAttributeNames));
        var action = UndoPlan.Decide(nowText, intended, prior, _overwrite);
        var priorTypes = item.PriorAccountTypes ?? new Dictionary<string, string>();
        if (action is UndoActions.Restore or UndoActions.Overwrite)
        {
            foreach (var name in now)
            {
                var slot = name.Slot.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (name.AccountType is { } type && priorTypes.TryGetValue(slot, out var was) && was != type.ToString()) action = UndoActions.Refused;
            }
            if (item.PriorAppAttributeNames is not { Count: > 0 }) action = UndoActions.Refused;
        }
        var step = new RunUndoStep("", "AppAttributeNames", "", intended, nowText, prior, action);
        if (apply && action is UndoActions.Restore or UndoActions.Overwrite)
        {
            // The line's slots, account types and names were checked when it was read (JournalLineParser).
            var request = JournalLineParser.PriorNamesRequest(item, _connection.Service);
            if (_journal is not null) AppNamesJournal.WriteIntent(_journal, request, now);
            try
            {
                await AppAttributeNames.SetAsync(_connection, request, log, cancellationToken).ConfigureAwait(false);
            }
            catch (ImApiException e) when (_journal is not null)
            {
                AppNamesJournal.WriteOutcome(_journal, ResponseClassifier.LeavesOutcomeUnknown(e) ? JournalOutcomes.Unknown : JournalOutcomes.Failed, e.ErrorId);
                throw;
            }
            catch (OperationCanceledException e) when (_journal is not null && cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C cancelled the call: not sent when its request never went out, else of unknown outcome.
                var notSent = e is CallCancelledException && Unsent(e);
                AppNamesJournal.WriteOutcome(_journal, notSent ? JournalOutcomes.NotSent : JournalOutcomes.Unknown, ErrorIds.NotSent);
                throw;
            }
            if (_journal is not null) AppNamesJournal.WriteOutcome(_journal, JournalOutcomes.Done, null);
        }
        return step;
    }

    /// <summary>Whether a cancelled call about the app never sent its request (its one item not sent).</summary>
    private static bool Unsent(OperationCanceledException e) =>
        e is CallCancelledException { } cut && cut.Failures.Count == 1 && cut.Failures[0] is { NotSent: true, OutcomeUnknown: false };

    private static IEnumerable<KeyValuePair<int, string>> BySlot(IReadOnlyDictionary<string, string>? names) =>
        (names ?? new Dictionary<string, string>()).Select(p => new KeyValuePair<int, string>(JournalLineParser.SlotOf(p.Key) ?? -1, p.Value));

    private static string NamesText(IEnumerable<KeyValuePair<int, string>> names) =>
        string.Join(", ", names.OrderBy(p => p.Key).Select(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture) + "=" + p.Value));
}
