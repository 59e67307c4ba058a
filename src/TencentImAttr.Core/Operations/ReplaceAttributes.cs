using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>
/// How a user's attributes differ from the source: the one home of the -Replace rule, used alike by the run, its
/// drift report (-WhatIf) and -Verify's comparison, so that the three cannot disagree. The source manages only the
/// names it carries: a value sets, a name carried empty is removed, and a name it does not carry is left alone,
/// unless it is the user's whole set (-RemoveUnlisted): then every registered name it does not set is removed. Names
/// are compared exactly (ordinal), as the service keeps them; a name the user holds is removed only when the app
/// registers it (the service refuses to remove any other).
/// </summary>
internal static class AttributeDiff
{
    /// <summary>The drift of one user, or null when the user already holds what <paramref name="desired"/> manages.</summary>
    public static AttributeDrift? Of(SetItem desired, IEnumerable<KeyValuePair<string, string>> current, IReadOnlyCollection<string> registered)
    {
        var held = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in current) held[pair.Key] = pair.Value;
        var added = new Dictionary<string, string>(StringComparer.Ordinal);
        var changed = new Dictionary<string, AttributeValueChange>(StringComparer.Ordinal);
        foreach (var pair in desired.Attributes)
        {
            if (!held.TryGetValue(pair.Key, out var old)) added.Add(pair.Key, pair.Value);
            else if (!string.Equals(old, pair.Value, StringComparison.Ordinal)) changed.Add(pair.Key, new AttributeValueChange(old, pair.Value));
        }
        var names = new HashSet<string>(registered, StringComparer.Ordinal);
        var removed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in held)
        {
            var unwanted = desired.RemoveUnlisted ? !desired.Attributes.ContainsKey(pair.Key) : desired.Removes.Contains(pair.Key);
            if (unwanted && names.Contains(pair.Key)) removed.Add(pair.Key, pair.Value);
        }
        return added.Count + changed.Count + removed.Count == 0 ? null : new AttributeDrift(desired.UserId, added, changed, removed);
    }

    /// <summary>The drift of one user from <paramref name="desired"/> taken as the user's whole set (-RemoveUnlisted).</summary>
    public static AttributeDrift? OfWholeSet(string userId, IReadOnlyDictionary<string, string> desired, IEnumerable<KeyValuePair<string, string>> current, IReadOnlyCollection<string> registered) =>
        Of(new SetItem(userId, desired.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), removeUnlisted: true), current, registered);
}

/// <summary>
/// Set-ImUserAttribute -Replace: each user ends with exactly the attributes given. A sync batch (up to
/// <see cref="SyncCalls.UsersPerSync"/> users) is read (im_get_attr, 100 users a call), each user compared with the source
/// (<see cref="AttributeDiff"/>), and only what differs is written: one im_set_attr per 100 changed users with only the
/// names added or changed, then one im_remove_attr per 100 users with names to drop; a user equal to the source gets
/// no write call. Each write call is asked first, worded from its changes (declined under -WhatIf: the drift is the
/// report). A failed read fails every user it carried; a user whose set failed is not sent its remove; a user
/// with a declined call is declined (not sent in full).
/// </summary>
/// <remarks>
/// With -Verify it is also the read-back's calls (<see cref="IReadBackCalls{TItem,TResult,TReadItem,TState}"/>) of the
/// <see cref="VerifiedWrites{TItem,TResult,TReadItem,TState}"/> that wraps it: only the users written are read back,
/// 100 a call within the same limit of calls in flight, and a user found different runs the sync once more (read, compare, write
/// what is still wrong), not counted as drift again.
/// </remarks>
internal sealed class ReplaceAttributes : IBatchOperation<SetItem, SyncResult<AttributeDrift>>, IReadBackCalls<SetItem, SyncResult<AttributeDrift>, GetItem, UserAttributes>, IDisposable
{
    private readonly ImConnection _connection;
    private readonly int? _maxRetry;
    private readonly SyncCalls _calls;
    private readonly Func<string, string, bool> _approve;
    private readonly Func<string, string, bool> _approveRemoval;
    private readonly SetAttributesOperation _set = new();
    private readonly GetAttributesOperation _get = new();
    private readonly RemoveAttributesOperation _remove = new();
    private readonly RegisteredNameCheck _names;

    /// <param name="connection">The connection.</param>
    /// <param name="maxRetry">The retry budget; null takes the connection's.</param>
    /// <param name="throttleLimit">Calls in flight at once, over the whole run.</param>
    /// <param name="approve">Asked on the pipeline thread before each set call, with its target and action (ShouldProcess).</param>
    /// <param name="approveRemoval">Asked on the pipeline thread before each remove call (the question that removals always ask); null asks <paramref name="approve"/>.</param>
    /// <param name="names">The command's read of the app's names (shared with its check of the input's names); null reads them here, once.</param>
    public ReplaceAttributes(ImConnection connection, int? maxRetry, int throttleLimit, Func<string, string, bool> approve, Func<string, string, bool>? approveRemoval = null, RegisteredNameCheck? names = null)
    {
        _connection = connection;
        _maxRetry = maxRetry;
        _calls = new SyncCalls(throttleLimit);
        _approve = approve;
        _approveRemoval = approveRemoval ?? approve;
        _names = names ?? new RegisteredNameCheck(connection);
    }

    /// <summary>Releases its limit of calls in flight (the engine disposes its operation).</summary>
    public void Dispose() => _calls.Dispose();

    /// <inheritdoc />
    public string UserIdOf(SetItem item) => item.UserId;

    /// <summary>Rows of one user in one sync batch add up, the later value winning; the union is what the user ends with.</summary>
    public SetItem Merge(SetItem earlier, SetItem later) => _set.Merge(earlier, later);

    /// <inheritdoc />
    public Task<ItemOutcome<SyncResult<AttributeDrift>>[]> ExecuteAsync(IReadOnlyList<SetItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending = default) =>
        SyncAsync(items, log, again: false, cancellationToken, stopSending);

    /// <summary>The app's registered names as this command read them (empty before the first read succeeded): what a read-back compares with.</summary>
    public IReadOnlyCollection<string> RegisteredNames
    {
        get
        {
            var names = _names.ReadAsync(null, CancellationToken.None);
            return names.Status == TaskStatus.RanToCompletion ? names.Result.Select(n => n.Name).ToList() : new List<string>();
        }
    }

    /// <summary>A user found equal to the source was not written, and needs no read-back: the sync's own read showed it equal.</summary>
    public bool Wrote(SetItem item, SyncResult<AttributeDrift> result) => result.Applied && result.Drift is not null;

    /// <summary>-Verify's read-back: the users in calls of 100, within this sync's limit of calls in flight.</summary>
    public Task<ItemOutcome<UserAttributes>[]> ReadAsync(IReadOnlyList<GetItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending) =>
        _calls.ReadAsync(new CallSender(_connection, _maxRetry, log), _get, items, cancellationToken, stopSending);

    /// <summary>-Verify's second write: the sync once more for the users found different (read, compare, write what is still wrong); not counted as drift again.</summary>
    public Task<ItemOutcome<SyncResult<AttributeDrift>>[]> WriteAgainAsync(IReadOnlyList<SetItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending) =>
        SyncAsync(items, log, again: true, cancellationToken, stopSending);

    /// <summary>One sync pass over <paramref name="items"/>; <paramref name="again"/> for -Verify's second pass (its drift is not counted, its questions say so).</summary>
    private async Task<ItemOutcome<SyncResult<AttributeDrift>>[]> SyncAsync(IReadOnlyList<SetItem> items, ICallLog log, bool again, CancellationToken cancellationToken, CancellationToken stopSending)
    {
        var why = again ? " (again: read back different)" : "";
        var sender = new CallSender(_connection, _maxRetry, log);
        var outcomes = new ItemOutcome<SyncResult<AttributeDrift>>[items.Count];
        List<string> registered;
        try
        {
            // The names check refuses an answer without names (it would make every user "done"): a stop, not per user.
            registered = (await _names.ReadAsync(log, cancellationToken).ConfigureAwait(false)).Select(n => n.Name).ToList();
        }
        catch (ImApiException e)
        {
            // Without the names nothing can be compared: every user of the batch carries the read's failure.
            return items.Select(i => ItemOutcome<SyncResult<AttributeDrift>>.Failed(ItemFailure.FromApi(e, i.UserId))).ToArray();
        }
        var reads = await _calls.ReadAsync(sender, _get, items.Select(i => new GetItem(i.UserId)).ToList(), cancellationToken, stopSending).ConfigureAwait(false);
        var drifts = new AttributeDrift?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            if (reads[i].Failure is { } failed)
            {
                outcomes[i] = ItemOutcome<SyncResult<AttributeDrift>>.Failed(failed);
                continue;
            }
            drifts[i] = AttributeDiff.Of(items[i], reads[i].Result!.Attributes, registered);
            if (drifts[i] is null) outcomes[i] = ItemOutcome<SyncResult<AttributeDrift>>.Success(new SyncResult<AttributeDrift>(items[i].UserId, null, applied: false));
        }
        if (!again) log.Counters.AddDrifted(drifts.Count(d => d is not null));

        var toSet = Enumerable.Range(0, items.Count).Where(i => drifts[i] is { } d && d.Added.Count + d.Changed.Count > 0).ToList();
        var sets = await _calls.WriteAsync(sender, _set,
            toSet.Select(i => new SetItem(items[i].UserId, drifts[i]!.Added.Concat(drifts[i]!.Changed.Select(c => new KeyValuePair<string, string>(c.Key, c.Value.New)))
                .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal))).ToList(),
            callUsers => _approve(BatchPrompt.Users(callUsers.Select(c => c.UserId).ToList(), _connection.Scrubber), "Replace attributes: set " + BatchPrompt.Names(callUsers.SelectMany(c => c.Attributes.Keys), _connection.Scrubber) + why),
            log, cancellationToken, stopSending).ConfigureAwait(false);
        var setOutcome = new Dictionary<int, ItemOutcome<UserAttributes>>();
        for (var k = 0; k < toSet.Count; k++) setOutcome.Add(toSet[k], sets[k]);

        // A user whose set failed is not sent its remove: it keeps one outcome, the set's. A declined set does not
        // stop the remove's question (each call is asked on its own, so -WhatIf lists every call the run would send).
        var toRemove = Enumerable.Range(0, items.Count)
            .Where(i => drifts[i] is { Removed.Count: > 0 } && (!setOutcome.TryGetValue(i, out var s) || s.Failure is null)).ToList();
        var removes = await _calls.WriteAsync(sender, _remove,
            toRemove.Select(i => new RemoveItem(items[i].UserId, drifts[i]!.Removed.Keys.ToList())).ToList(),
            callUsers => _approveRemoval(BatchPrompt.Users(callUsers.Select(c => c.UserId).ToList(), _connection.Scrubber), "Replace attributes: remove " + BatchPrompt.Names(callUsers.SelectMany(c => c.Names), _connection.Scrubber) + why),
            log, cancellationToken, stopSending).ConfigureAwait(false);
        var removeOutcome = new Dictionary<int, ItemOutcome<RemovedUserAttributes>>();
        for (var k = 0; k < toRemove.Count; k++) removeOutcome.Add(toRemove[k], removes[k]);

        for (var i = 0; i < items.Count; i++)
        {
            if (drifts[i] is not { } drift) continue;
            ItemFailure? failure = null;
            var declined = false;
            var unknown = false;
            var hasSet = setOutcome.TryGetValue(i, out var set);
            var hasRemove = removeOutcome.TryGetValue(i, out var remove);
            if (hasSet)
            {
                failure = set.Failure;
                declined = set.Declined;
                unknown = set.HadUnknownAttempt;
            }
            if (failure is null && hasRemove)
            {
                failure = remove.Failure;
                declined |= remove.Declined;
                unknown |= remove.HadUnknownAttempt;
            }
            // One write landed and the other did not (declined at its question, the run stopped before it was asked,
            // or the service refused it, for the whole call or in an ErrorList): the user is neither untouched
            // ("declined", "not sent") nor done, and must not be counted so. What landed is still -PassThru's to write.
            AttributeDrift? landed = null;
            if (hasSet && hasRemove && PartlyApplied(set, remove) is { } part)
            {
                failure = new ItemFailure(new InvalidOperationException(
                    $"User '{Text.MessageText.Quote(drift.UserId)}': the {part.Applied} was applied, the {part.Missing} {part.Why}: the user is only part-way to the source; run the sync again.",
                    part.Cause),
                    ErrorIds.ReplacePartlyApplied, ImErrorCategory.OperationStopped, drift.UserId, part.Unknown);
                landed = part.Applied == "set" ? drift.SetPart() : drift.RemovePart();
            }
            var outcome = landed is not null ? ItemOutcome<SyncResult<AttributeDrift>>.FailedWith(failure!, new SyncResult<AttributeDrift>(drift.UserId, landed, applied: true))
                : failure is not null ? ItemOutcome<SyncResult<AttributeDrift>>.Failed(failure)
                : declined ? ItemOutcome<SyncResult<AttributeDrift>>.DeclinedWith(new SyncResult<AttributeDrift>(drift.UserId, drift, applied: false))
                : ItemOutcome<SyncResult<AttributeDrift>>.Success(new SyncResult<AttributeDrift>(drift.UserId, drift, applied: true));
            // A call given up on may still land (a stale write): -Verify reads such a user back only after its settle delay.
            outcomes[i] = unknown && !outcome.Declined ? outcome.AfterUnknownAttempt() : outcome;
        }
        return outcomes;
    }

    /// <summary>
    /// Which write of a user landed and which did not, when exactly one landed and the other was declined, not sent or
    /// refused; else null. <c>Cause</c> is the refusal (the run stops on it when it is connection-level), <c>Unknown</c>
    /// whether the write that did not land may still have (its last attempt was of unknown outcome).
    /// </summary>
    private static (string Applied, string Missing, string Why, Exception? Cause, bool Unknown)? PartlyApplied(ItemOutcome<UserAttributes> set, ItemOutcome<RemovedUserAttributes> remove)
    {
        static bool Landed<T>(ItemOutcome<T> o) where T : class => o.Failure is null && !o.Declined;
        static string? NotGone<T>(ItemOutcome<T> o) where T : class => o.Declined ? "was not sent (declined)"
            : o.Failure is { NotSent: true } ? "was not sent (the command stopped first)"
            : o.Failure is { } refused ? $"failed ({refused.ErrorId}: {Text.MessageText.Sentence(refused.Message)})"
            : null;
        if (Landed(set) && NotGone(remove) is { } removeWhy) return ("set", "remove", removeWhy, remove.Failure?.Exception, remove.Failure?.OutcomeUnknown ?? false);
        if (Landed(remove) && NotGone(set) is { } setWhy) return ("remove", "set", setWhy, set.Failure?.Exception, set.Failure?.OutcomeUnknown ?? false);
        return null;
    }
}
