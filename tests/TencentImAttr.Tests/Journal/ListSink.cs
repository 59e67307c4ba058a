using System.Collections.Generic;
using TencentImAttr.Core.Bulk;

namespace TencentImAttr.Tests.Journal;

/// <summary>An engine sink that keeps what a journaled run wrote: its results and its failures.</summary>
internal sealed class ListSink<TResult> : IEngineSink<TResult>
    where TResult : class
{
    public List<TResult> Results { get; } = new();

    public List<ItemFailure> Failures { get; } = new();

    public void OnResult(TResult result) => Results.Add(result);

    public void OnFailure(ItemFailure failure) => Failures.Add(failure);

    public void OnVerbose(string line) { }

    public void OnProgress(ProgressReport report) { }
}
