using TencentImAttr.Core.Api;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// A check that each valid item passes on the pipeline thread before it is gathered (the input's attribute names
/// against the app's), and that may first need one answer from the service (the app's names, read once per run).
/// </summary>
internal interface IItemCheck<in TItem>
    where TItem : class
{
    /// <summary>
    /// Whether checking <paramref name="item"/> now would wait for an answer still on the wire; asks for it when not
    /// yet asked (once per run, counted in <paramref name="log"/>). False once the answer came, even a failed one.
    /// </summary>
    bool MustWait(TItem item, ICallLog log);

    /// <summary>Whether the answer the check needs was asked for and has not come yet.</summary>
    bool Waiting { get; }

    /// <summary>Waits until the answer has come (a failed answer too: <see cref="Check"/> reports it); throws when the run is stopped (Ctrl+C).</summary>
    void WaitForAnswer(ICallLog log);

    /// <summary>Null when <paramref name="item"/> may be gathered; else the failure that stops the run before it is sent.</summary>
    ItemFailure? Check(TItem item, ICallLog log);
}
