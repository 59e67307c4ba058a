using System;
using System.Management.Automation;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;

namespace TencentImAttr;

/// <summary>
/// The three bulk cmdlets: they feed items to the core's <see cref="BatchEngine{TItem,TResult}"/> from ProcessRecord,
/// finish it in EndProcessing, cancel it in StopProcessing, and write what it hands back.
/// </summary>
public abstract class ImBulkCmdlet<TItem, TResult> : ImCmdlet, IDisposable, IEngineSink<TResult>
    where TItem : class
    where TResult : class
{
    /// <summary>The parameter set of an explicit -UserId list.</summary>
    protected const string ByUserId = "ByUserId";

    /// <summary>The parameter set of pipeline input, read by the core.</summary>
    protected const string ByInputObject = "ByInputObject";

    private BatchEngine<TItem, TResult>? _engine;

    #region Parameters

    /// <summary>
    /// How many calls may be in flight at once. The API's calls-per-second quota is kept whatever this is; raise it
    /// when round trips are long.
    /// </summary>
    [Parameter]
    [PSDefaultValue(Help = "the connection's (Connect-ImApp -ThrottleLimit)")]
    [ValidateRange(1, ImConnection.MaxThrottleLimit)]
    public int ThrottleLimit { get; set; }

    /// <summary>
    /// How many times a transient failure (rate limit, timeout, 5xx, internal error) is retried
    /// with exponential backoff. 0 turns retries off.
    /// </summary>
    [Parameter]
    [PSDefaultValue(Help = "the connection's (Connect-ImApp -MaxRetry)")]
    [ValidateRange(0, 20)]
    public int MaxRetry { get; set; } = -1;

    #endregion

    /// <summary>The connection in use, set in BeginProcessing.</summary>
    protected ImConnection ActiveConnection { get; private set; } = null!;

    /// <summary>Whether results are written to the pipeline (Get always; Set and Remove with -PassThru).</summary>
    protected abstract bool WritesResults { get; }

    /// <summary>The operation, once the connection is known.</summary>
    protected abstract IBatchOperation<TItem, TResult> CreateOperation(ImConnection connection, int? maxRetry);

    /// <summary>The retry count given on the command line, or null for the connection's.</summary>
    protected int? MaxRetryOverride => MaxRetry >= 0 ? MaxRetry : null;

    #region Overrides

    /// <summary>Resolves the connection and starts the engine.</summary>
    protected override void BeginProcessing()
    {
        ActiveConnection = ResolveConnection();
        var options = new EngineOptions { ThrottleLimit = ThrottleLimit > 0 ? ThrottleLimit : ActiveConnection.ThrottleLimit };
        _engine = new BatchEngine<TItem, TResult>(CreateOperation(ActiveConnection, MaxRetryOverride), options, this, cancellationToken: StopToken);
    }

    /// <summary>Sends what is left and writes every remaining outcome.</summary>
    protected override void EndProcessing() => Run(() => _engine!.Complete());

    #endregion

    #region Feeding the engine

    /// <summary>
    /// Queues a checked item: a rejected one is reported in its place in the output order; a valid one is sent
    /// once <see cref="Approve"/> agrees (ShouldProcess, for the cmdlets that change things).
    /// </summary>
    protected void Submit(Checked<TItem> item)
    {
        if (item.Failure is not null)
        {
            Run(() => _engine!.AddFailure(item.Failure));
        }
        else if (Approve(item.Item!))
        {
            Run(() => _engine!.Add(item.Item!));
        }
    }

    /// <summary>
    /// The ids of an explicit -UserId list; a null list (-UserId $null) stands for one null id, so that it is
    /// reported as UserIdEmpty rather than ignored.
    /// </summary>
    protected static string?[] EachUserId(string?[]? userIds) => userIds ?? new string?[] { null };

    /// <summary>Whether a valid item may be sent; -WhatIf and -Confirm act here.</summary>
    protected virtual bool Approve(TItem item) => true;

    private void Run(Action action)
    {
        try
        {
            action();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    #endregion

    #region IEngineSink (called on the pipeline thread only)

    void IEngineSink<TResult>.OnResult(TResult result)
    {
        if (WritesResults) WriteObject(Present(result));
    }

    /// <summary>What is written for a result: the result itself, unless the cmdlet shapes it (Get -AsRow).</summary>
    protected virtual object Present(TResult result) => result;

    void IEngineSink<TResult>.OnFailure(ItemFailure failure) => WriteError(ToErrorRecord(failure));

    void IEngineSink<TResult>.OnVerbose(string line) => WriteVerbose(line);

    void IEngineSink<TResult>.OnProgress(ProgressReport report)
    {
        var record = new ProgressRecord(1, MyInvocation.MyCommand.Name, report.StatusLine)
        {
            RecordType = report.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        WriteProgress(record);
    }

    #endregion

    /// <summary>Cancels anything still in flight.</summary>
    public void Dispose()
    {
        _engine?.Dispose();
        GC.SuppressFinalize(this);
    }
}
