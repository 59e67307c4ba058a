using System;
using System.Collections.Generic;
using TencentImAttr.Core.Api;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// The run's questions, asked on the pipeline thread: each batch's (the cmdlet's ShouldProcess, asked once, just
/// before the batch is sent), and those a batch's task asks through the call log once sending began (a sync's write
/// calls, which can be worded only after their read). Either may throw <see cref="RunRefusedException"/> when the
/// question cannot be asked.
/// </summary>
internal sealed class BatchApproval<TItem>
    where TItem : class
{
    private readonly Func<IReadOnlyList<TItem>, bool> _approve;
    private readonly QueuedCallLog _log;

    /// <summary><paramref name="approve"/> null approves every batch.</summary>
    public BatchApproval(Func<IReadOnlyList<TItem>, bool>? approve, QueuedCallLog log)
    {
        _approve = approve ?? (_ => true);
        _log = log;
    }

    /// <summary>Whether the batch of <paramref name="items"/> is declined (a batch with nothing to send is not asked about).</summary>
    public bool Declines(List<TItem> items) => items.Count > 0 && !_approve(items);

    /// <summary>Answers the questions the batches' tasks queued.</summary>
    public void AnswerQueued() => _log.AnswerQuestions();
}
