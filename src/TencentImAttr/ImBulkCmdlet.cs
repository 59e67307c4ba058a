using System;
using System.Collections;
using System.Management.Automation;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Input;

namespace TencentImAttr;

/// <summary>
/// The bulk cmdlets' shared shape: the users (-UserId, or -InputObject from the pipeline), -ThrottleLimit and
/// -MaxRetry, and the record loop that reads each input once and hands it to the run. A cmdlet adds only its own
/// parameters and says, in <see cref="Start"/>, which operation runs, how a record becomes an item, and what to ask
/// before sending.
/// </summary>
/// <remarks>
/// Parameter help for -UserId and -InputObject is written per cmdlet, as a <c>&lt;parameter name="..."&gt;</c> element in
/// the cmdlet's own doc comment; the help generator prefers it to the summary here.
/// </remarks>
public abstract class ImBulkCmdlet : ImCmdlet
{
    /// <summary>The parameter set of an explicit -UserId list.</summary>
    protected const string ByUserId = "ByUserId";

    /// <summary>The parameter set of pipeline input, read once at this boundary.</summary>
    protected const string ByInputObject = "ByInputObject";

    private IBulkRun? _run;

    #region Parameters

    /// <summary>
    /// The users. Each user is checked on its own: a bad id is reported and the others still go. An array given here is built whole before the command starts (-UserId (Get-Content ids.txt) reads the whole file first); pipe the ids instead (Get-Content ids.txt | ...) to stream them.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByUserId)]
    [Alias("To_Account", "Account")]
    [AllowNull, AllowEmptyString, AllowEmptyCollection]
    public string?[] UserId { get; set; } = null!;

    /// <summary>
    /// A user from the pipeline: a user id, or an object (a row of Import-Csv, a hashtable, the output of a Get
    /// cmdlet) that names its user in a UserId, To_Account or Account property. An object that names no user is
    /// reported as an error, not sent.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByInputObject)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    /// <summary>
    /// How many calls may be in flight at once. The API's calls-per-second quota is kept whatever this is; raise it
    /// when round trips are long.
    /// </summary>
    [Parameter]
    [PSDefaultValue(Help = "the connection's (Connect-ImApp -ThrottleLimit)")]
    [ValidateRange(1, ImConnection.MaxThrottleLimit)]
    public int ThrottleLimit { get; set; }

    /// <summary>
    /// How many times a user may be sent again after a transient failure (rate limit, timeout, 5xx, internal error),
    /// with exponential backoff: at most 1 + MaxRetry attempts per user, whatever fails. 0 turns retries off.
    /// </summary>
    [Parameter]
    [PSDefaultValue(Help = "the connection's (Connect-ImApp -MaxRetry)")]
    [ValidateRange(0, 20)]
    public int MaxRetry { get; set; }

    #endregion

    /// <summary>The connection in use, set in BeginProcessing.</summary>
    internal ImConnection ActiveConnection { get; private set; } = null!;

    /// <summary>Whether a parameter was given on the command line: "not given" means the same for every parameter of every bulk cmdlet.</summary>
    private protected bool Given(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

    /// <summary>Whether ShouldProcess answers what-if: -WhatIf given, or $WhatIfPreference where it is not.</summary>
    internal bool WhatIfRun => Confirmation.WhatIf(this);

    /// <summary>The cmdlet's run: its operation, how it reads a record, what it asks before sending.</summary>
    private protected abstract IBulkRun Start(ImConnection connection, EngineOptions options, int? maxRetry);

    #region Overrides

    /// <summary>Resolves the connection and starts the run.</summary>
    protected override void BeginProcessing()
    {
        ActiveConnection = ResolveConnection();
        CustomObjectProperties.Forget();
        var options = new EngineOptions
        {
            ThrottleLimit = Given(nameof(ThrottleLimit)) ? ThrottleLimit : ActiveConnection.ThrottleLimit,
            TraceWire = QuietWrites.TraceWanted(this),
        };
        _run = Start(ActiveConnection, options, Given(nameof(MaxRetry)) ? MaxRetry : null);
    }

    /// <summary>Reads each user (or pipeline object) once and queues it.</summary>
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByInputObject)
        {
            if (!MyInvocation.ExpectingInput && InputObject?.BaseObject is IList list and not IDictionary)
            {
                // An array given by name (-InputObject $rows) holds a user per element, and says how many.
                _run!.Expect(list.Count);
                foreach (var element in list)
                {
                    Run(() => _run!.Submit(PipelineInput.Read(element is null ? null : PSObject.AsPSObject(element))));
                }
                return;
            }
            Run(() => _run!.Submit(PipelineInput.Read(InputObject)));
            return;
        }
        // -UserId $null stands for one null id, so that it is reported as UserIdEmpty rather than ignored.
        var users = UserId ?? new string?[] { null };
        _run!.Expect(users.Length);
        foreach (var user in users)
        {
            Run(() => _run!.Submit(PipelineRecord.ForUserId(user)));
        }
    }

    /// <summary>Sends what is left, writes every remaining outcome, then the run's summary.</summary>
    protected override void EndProcessing()
    {
        Run(() => _run!.Complete());
        _run!.WriteSummary(stopped: false);
    }

    #endregion

    private void Run(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (StopToken.IsCancellationRequested && e is OperationCanceledException or PipelineStoppedException)
        {
            // Ctrl+C: every user held is counted (the cancelled calls' users not sent, or of unknown outcome), and
            // PowerShell refuses any write from a stopping pipeline: the summary is tried, and kept for Get-ImLastRun.
            TryWriteSummary(_run!.Interrupted());
            throw new PipelineStoppedException();
        }
        catch (ImInputException e) when (e.ErrorId == ErrorIds.JournalMismatch)
        {
            // -Resume over an input that differs from the journal: one terminating error naming the position.
            TryWriteSummary();
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.InvalidData, e.Target));
        }
        catch (ImRunStoppedException e)
        {
            // One terminating error for a run that stopped early: its cause's id, and the accounting of every user held.
            TryWriteSummary(e);
            ThrowTerminatingError(ErrorRecords.Of(e, e.ErrorId, (ErrorCategory)(int)e.Category, e.TargetObject));
        }
        catch (Exception e) when (e is ActionPreferenceStopException or PipelineStoppedException)
        {
            // -ErrorAction Stop on a user's error, or a downstream Select-Object -First (the engine has let the calls
            // out finish and counted every user held): the command ends here, and says what it did as far as
            // PowerShell still takes a write from it.
            TryWriteSummary();
            throw;
        }
    }

    private void TryWriteSummary(ImRunStoppedException? stopError = null)
    {
        try
        {
            _run!.WriteSummary(stopped: true, stopError);
        }
        catch (Exception e) when (e is PipelineStoppedException or ActionPreferenceStopException or InvalidOperationException)
        {
            // A stopping pipeline may refuse the write: the original stop is what the caller must see.
        }
    }

    /// <summary>Cancels anything still in flight.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // A command stopped while another command of the pipeline ran (Ctrl+C there) never saw the stop: its summary is kept here.
            _run?.KeepIfUnfinished();
            _run?.Dispose();
        }
        base.Dispose(disposing);
    }
}
