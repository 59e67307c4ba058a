using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;
using TencentImAttr.Core.Input;

namespace TencentImAttr;

/// <summary>
/// What every cmdlet of the module shares: the -Connection parameter, Ctrl+C, and the way calls and errors are written.
/// </summary>
public abstract class ImCmdlet : PSCmdlet
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

    /// <summary>Ctrl+C: cancels what the command is waiting for.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>Cancelled by Ctrl+C.</summary>
    protected CancellationToken StopToken => _stop.Token;

    #region Helpers

    /// <summary>
    /// Runs one API call and waits for it on the pipeline thread: its -Verbose lines are written, a failure becomes a
    /// terminating error, and Ctrl+C stops the pipeline.
    /// </summary>
    protected T RunCall<T>(Func<ICallLog, CancellationToken, Task<T>> call)
    {
        var log = new QueuedCallLog();
        try
        {
            return call(log, StopToken).GetAwaiter().GetResult();
        }
        catch (ImApiException e)
        {
            WriteLog(log);
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, (ErrorCategory)(int)e.Category, null));
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

    private void WriteLog(QueuedCallLog log)
    {
        foreach (var line in log.Drain()) WriteVerbose(line);
    }

    /// <summary>The connection in force: -Connection, the session's, or the environment's; a terminating error when none.</summary>
    protected ImConnection ResolveConnection()
    {
        try
        {
            return ImSession.Resolve(Connection, RunspaceScope.Current);
        }
        catch (InvalidOperationException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "NotConnected", ErrorCategory.AuthenticationError, null));
            throw; // ThrowTerminatingError does not return.
        }
    }

    /// <summary>The error record for a failed item: the exception, the stable id, the category and the user as target.</summary>
    internal static ErrorRecord ToErrorRecord(ItemFailure failure) =>
        new(failure.Exception, failure.ErrorId, (ErrorCategory)(int)failure.Category, failure.TargetObject);

    /// <summary>Removes PowerShell's wrapper from a value, so that the core sees plain .NET objects.</summary>
    internal static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

    /// <summary>
    /// The names and values of a pipeline object's properties (note properties of a CSV row, a .NET object's, a
    /// DataRow's columns), for the core to read (<see cref="InputProperties"/>); null for a string, a number or a
    /// table, which the core reads itself.
    /// </summary>
    internal static List<KeyValuePair<string, object?>>? PropertiesOf(PSObject? input)
    {
        var value = Unwrap(input);
        if (value is null or string or IDictionary || InputProperties.NumberAsUserId(value) is not null) return null;
        if (value is System.Data.DataRow row) return InputProperties.OfDataRow(row);
        return InputProperties.WithoutIgnored(input!.Properties.Where(p => p.IsGettable).Select(p => new KeyValuePair<string, object?>(p.Name, PipelineTables.Read(p.Name, SafeValue(p)))));
    }

    private static object? SafeValue(PSPropertyInfo property)
    {
        try
        {
            return InputProperties.CellValue(property.Value);
        }
        catch (Exception e) when (e is GetValueException or ExtendedTypeSystemException)
        {
            // Dropping the property would send the item without it, as if the value were not there.
            return new UnreadableProperty(e.InnerException?.Message ?? e.Message);
        }
    }

    #endregion
}
