using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>How a user's tags differ from a -Replace list: the one home of that rule (tags are case-sensitive; order does not count).</summary>
internal static class TagDiff
{
    /// <summary>The drift of one user, or null when the user holds exactly the tags of <paramref name="desired"/>.</summary>
    public static TagDrift? Of(string userId, IReadOnlyList<string> desired, IReadOnlyList<string> current)
    {
        var held = new HashSet<string>(current, StringComparer.Ordinal);
        var wanted = new HashSet<string>(desired, StringComparer.Ordinal);
        var added = desired.Where(t => !held.Contains(t)).Distinct(StringComparer.Ordinal).ToList();
        var removed = current.Where(t => !wanted.Contains(t)).Distinct(StringComparer.Ordinal).ToList();
        return added.Count + removed.Count == 0 ? null : new TagDrift(userId, added, removed);
    }
}

/// <summary>
/// Add-ImUserTag -Replace read first (the Push family's add_tag with Replace: 1): a sync batch is read with get_tag,
/// 100 users a call, each user compared with its list (<see cref="TagDiff"/>), and only the users that differ are
/// sent, in calls of 100, each call asked first, worded from its users. Under -WhatIf every call is declined, so the
/// drifts are the report and only the reads are sent; the cmdlet uses it there (without -WhatIf, -Replace sends every
/// user blind, with no read).
/// </summary>
internal sealed class ReplaceTags : IBatchOperation<TagItem, SyncResult<TagDrift>>, IDisposable
{
    private readonly ImConnection _connection;
    private readonly int? _maxRetry;
    private readonly SyncCalls _calls;
    private readonly Func<string, string, bool> _approve;
    private readonly AddTagsOperation _add;
    private readonly GetTagsOperation _get = new();

    /// <param name="connection">The connection (the Push family: the cmdlet refuses -Replace elsewhere).</param>
    /// <param name="maxRetry">The retry budget; null takes the connection's.</param>
    /// <param name="throttleLimit">Calls in flight at once, over the whole run.</param>
    /// <param name="approve">Asked on the pipeline thread before each write call, with its target and action (ShouldProcess).</param>
    public ReplaceTags(ImConnection connection, int? maxRetry, int throttleLimit, Func<string, string, bool> approve)
    {
        _connection = connection;
        _maxRetry = maxRetry;
        _calls = new SyncCalls(throttleLimit);
        _approve = approve;
        _add = new AddTagsOperation(connection.Service, replace: true);
    }

    /// <summary>Releases its limit of calls in flight (the engine disposes its operation).</summary>
    public void Dispose() => _calls.Dispose();

    /// <inheritdoc />
    public string UserIdOf(TagItem item) => item.UserId;

    /// <inheritdoc />
    public TagItem Merge(TagItem earlier, TagItem later) => _add.Merge(earlier, later);

    /// <inheritdoc />
    public async Task<ItemOutcome<SyncResult<TagDrift>>[]> ExecuteAsync(IReadOnlyList<TagItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending = default)
    {
        var sender = new CallSender(_connection, _maxRetry, log);
        var outcomes = new ItemOutcome<SyncResult<TagDrift>>[items.Count];
        // A user's repeats merged past the 100 tags a user holds fail here, as the add would fail them: not read, not reported as drift.
        var sendable = new List<int>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (AddTagsOperation.OverHeldLimit(items[i]) is { } tooMany) outcomes[i] = ItemOutcome<SyncResult<TagDrift>>.Rejected(tooMany);
            else sendable.Add(i);
        }
        var read = await _calls.ReadAsync(sender, _get, sendable.Select(i => new GetItem(items[i].UserId)).ToList(), cancellationToken, stopSending).ConfigureAwait(false);
        var reads = new ItemOutcome<UserTags>[items.Count];
        for (var k = 0; k < sendable.Count; k++) reads[sendable[k]] = read[k];
        var changed = new List<int>();
        var drifts = new TagDrift?[items.Count];
        foreach (var i in sendable)
        {
            if (reads[i].Failure is { } failed) outcomes[i] = ItemOutcome<SyncResult<TagDrift>>.Failed(failed);
            else if ((drifts[i] = TagDiff.Of(items[i].UserId, items[i].Tags, reads[i].Result!.Tags)) is null) outcomes[i] = ItemOutcome<SyncResult<TagDrift>>.Success(new SyncResult<TagDrift>(items[i].UserId, null, applied: false));
            else changed.Add(i);
        }
        log.Counters.AddDrifted(changed.Count);
        var removedOf = changed.ToDictionary(i => items[i], i => drifts[i]!.Removed);
        var writes = await _calls.WriteAsync(sender, _add, changed.Select(i => items[i]).ToList(),
            callUsers => _approve(BatchPrompt.Users(callUsers.Select(c => c.UserId).ToList(), _connection.Scrubber), "Replace tags with " + BatchPrompt.Names(callUsers.SelectMany(c => c.Tags), _connection.Scrubber)
                + (callUsers.Any(c => removedOf[c].Count > 0) ? ", removing " + BatchPrompt.Names(callUsers.SelectMany(c => removedOf[c]), _connection.Scrubber) : "")),
            log, cancellationToken, stopSending).ConfigureAwait(false);
        for (var k = 0; k < changed.Count; k++)
        {
            var i = changed[k];
            var result = new SyncResult<TagDrift>(items[i].UserId, drifts[i], applied: writes[k].Failure is null && !writes[k].Declined);
            outcomes[i] = writes[k].Failure is { } failure ? ItemOutcome<SyncResult<TagDrift>>.Failed(failure)
                : writes[k].Declined ? ItemOutcome<SyncResult<TagDrift>>.DeclinedWith(result)
                : ItemOutcome<SyncResult<TagDrift>>.Success(result);
        }
        return outcomes;
    }
}
