using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;

namespace TencentImAttr;

/// <summary>
/// What every cmdlet of the module shares: the -Connection parameter, Ctrl+C, and the way calls and errors are written.
/// </summary>
public abstract class ImCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    #region Parameters

    /// <summary>
    /// The connection to use, from Connect-ImApp -PassThru or Get-ImConnection. Without it the
    /// session's connection (Connect-ImApp) is used, else one made from the TENCENTIM_* environment variables.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public ImConnection? Connection { get; set; }

    #endregion

    /// <summary>Releases what the command holds (PowerShell calls this when the pipeline ends).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the Ctrl+C token, and whatever a derived cmdlet holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing) _stop.Dispose();
    }

    /// <summary>Ctrl+C: cancels what the command is waiting for.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Cancelled by Ctrl+C.</summary>
    protected internal CancellationToken StopToken => _stop.Token;

    #region Helpers

    /// <summary>
    /// Runs one API call and waits for it on the pipeline thread: its -Verbose lines are written, a failure becomes a
    /// terminating error, and Ctrl+C stops the pipeline.
    /// </summary>
    private protected T RunCall<T>(Func<ICallLog, CancellationToken, Task<T>> call)
    {
        using var log = new QueuedCallLog(QuietWrites.TraceWanted(this));
        try
        {
            return call(log, StopToken).GetAwaiter().GetResult();
        }
        catch (ImApiException e)
        {
            WriteLog(log);
            ThrowTerminatingError(ErrorRecords.Of(e, e.ErrorId, (ErrorCategory)(int)e.Category, null));
            throw; // ThrowTerminatingError does not return.
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            WriteLog(log);
        }
    }

    private void WriteLog(QueuedCallLog log) => QuietWrites.WriteAll(this, log);

    /// <summary>The connection in force: -Connection, the session's, or the environment's; a terminating error when none.</summary>
    protected ImConnection ResolveConnection()
    {
        try
        {
            return ImSession.Resolve(Connection, RunspaceScope.Current);
        }
        catch (InvalidOperationException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, ErrorIds.NotConnected, ErrorCategory.AuthenticationError, null));
            throw; // ThrowTerminatingError does not return.
        }
    }

    /// <summary>Whether a non-terminating error stops the command: -ErrorAction Stop, or $ErrorActionPreference = 'Stop' where it is not given.</summary>
    internal bool ErrorsStop()
    {
        var preference = MyInvocation.BoundParameters.TryGetValue("ErrorAction", out var given) ? given : GetVariableValue("ErrorActionPreference");
        return LanguagePrimitives.TryConvertTo(preference, out ActionPreference value) && value == ActionPreference.Stop;
    }

    /// <summary>The error record for a failed item: the exception, the stable id, the category and the user as target.</summary>
    internal static ErrorRecord ToErrorRecord(ItemFailure failure) =>
        ErrorRecords.Of(failure.Exception, failure.ErrorId, (ErrorCategory)(int)failure.Category, failure.TargetObject);

    #endregion
}
