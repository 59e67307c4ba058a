using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Cmdlets;

/// <summary>
/// Connects the session to a Tencent Cloud IM app as one of its administrators. Every other cmdlet of this
/// runspace uses this connection unless given -Connection.
/// </summary>
/// <remarks>
/// <para>
/// Give the app's secret key (-SecretKey, or -Credential with the administrator as user name and the key as password)
/// and the module makes the UserSig itself and renews it before it expires; or give a ready UserSig (-UserSig), which
/// is sent as it is until it expires. Neither the key nor the UserSig is ever shown, logged or written to the pipeline.
/// </para>
/// <para>
/// Without Connect-ImApp, the cmdlets connect from the TENCENTIM_SDKAPPID, TENCENTIM_IDENTIFIER and
/// TENCENTIM_SECRETKEY (or TENCENTIM_USERSIG) environment variables, with TENCENTIM_REGION, TENCENTIM_BASEURI and
/// TENCENTIM_SERVICE where set: the way to connect in CI jobs and containers.
/// </para>
/// <para>
/// The session's connection belongs to the runspace that made it: other runspaces of the process (ForEach-Object
/// -Parallel, thread jobs, runspace pools) do not see it. Pass it to them with -Connection ($using:c), from -PassThru.
/// </para>
/// <para>
/// A Connect-ImApp that fails (a wrong key, region or identifier, an expired UserSig, an HTTP 404 from the wrong
/// endpoint or API family, bad settings) leaves this runspace with no connection: the previous one is gone, and the
/// TENCENTIM_* variables are not read in this runspace until a Connect-ImApp succeeds or Disconnect-ImApp runs, so a
/// command meant for the new app fails with NotConnected instead of writing to another. With -NoDefault the session's
/// connection is never touched, so a failure leaves it as it was.
/// </para>
/// <para>
/// The connection holds the app's call-rate quota (-CallsPerSecond, per API): every command of the session shares
/// it, so that commands run one after another, or piped into each other, stay within the quota together.
/// </para>
/// </remarks>
/// <example>
/// Connect with the secret key, typed at a prompt
/// <code>
/// $key = Read-Host -Prompt 'Secret key' -AsSecureString
/// Connect-ImApp -SdkAppId 1400000000 -Identifier administrator -SecretKey $key
/// </code>
/// Connects the session to app 1400000000 in the China region as the administrator account "administrator".
/// The module signs every call with a UserSig made from the key and renews it before it expires.
/// </example>
/// <example>
/// Connect with a credential, in another region
/// <code>
/// $credential = Get-Credential -UserName administrator -Message 'Secret key of app 1400000000'
/// Connect-ImApp 1400000000 -Credential $credential -Region Singapore
/// </code>
/// The user name is the administrator and the password the secret key: the form in which runbooks and secret
/// stores (Get-Secret, Get-AutomationPSCredential) hand out credentials.
/// </example>
/// <example>
/// Work with two apps in one script
/// <code>
/// $prod = Connect-ImApp 1400000000 administrator -UserSig $env:PROD_USERSIG -PassThru
/// $test = Connect-ImApp 1400000001 administrator -UserSig $env:TEST_USERSIG -NoDefault -PassThru
/// Get-ImUserAttribute -UserId alice -Connection $prod | Set-ImUserAttribute -Connection $test
/// </code>
/// The first connection becomes the session's; the second, with -NoDefault, is used only where -Connection names
/// it. The last line copies alice's attributes from the production app to the test app.
/// </example>
/// <example>
/// Leave room in the quota for other jobs
/// <code>
/// Connect-ImApp 1400000000 administrator -SecretKey $key -CallsPerSecond 50 -MaxRetry 8
/// </code>
/// The commands of this session make at most 50 calls per second per API, leaving the other half of the app's
/// quota of 100 to other jobs, and retry a transient failure (rate limit, timeout, server error) up to 8 times.
/// </example>
[Cmdlet(VerbsCommunications.Connect, "ImApp", HelpUri = HelpLinks.CmdletPages + "Connect-ImApp.md", DefaultParameterSetName = SecretKeySet)]
[OutputType(typeof(ImConnection))]
public sealed class ConnectImAppCommand : PSCmdlet
{
    private const string SecretKeySet = "SecretKey";
    private const string UserSigSet = "UserSig";
    private const string CredentialSet = "Credential";

    // The error id of the failure that ended this Connect-ImApp, for later NotConnected errors.
    private string? _failure;

    #region Parameters

    /// <summary>The app's SDKAppID, as shown in the Chat console.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateRange(1, uint.MaxValue)]
    public long SdkAppId { get; set; }

    /// <summary>The App administrator account that signs the calls (administrator, by Tencent's default).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = SecretKeySet)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = UserSigSet)]
    [ValidateNotNullOrEmpty]
    public string Identifier { get; set; } = null!;

    /// <summary>The app's secret key (the console's "Key"). The module makes the UserSig itself and renews it before it expires.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SecretKeySet)]
    [ValidateNotNull]
    public SecureString SecretKey { get; set; } = null!;

    /// <summary>The administrator as user name and the secret key as password, e.g. from Get-Credential or a runbook's credential asset.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [ValidateNotNull]
    [Credential]
    public PSCredential Credential { get; set; } = null!;

    /// <summary>A ready UserSig of the administrator. It is sent as it is and cannot be renewed: when it expires, connect again.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UserSigSet)]
    [ValidateNotNullOrEmpty]
    public string UserSig { get; set; } = null!;

    /// <summary>The region where the app was created; it picks the API domain.</summary>
    [Parameter]
    [PSDefaultValue(Value = ImRegions.DefaultRegion)]
    [ValidateSet("China", "Singapore", "Seoul", "Tokyo", "Frankfurt", "SiliconValley", "Jakarta", "Mumbai", "Riyadh")]
    public string? Region { get; set; }

    /// <summary>A whole base URI instead of a region: a proxy, a test server or the local emulator. HTTPS, or HTTP to a loopback address only; never with a user name or password (https://user:pass@host/ is refused: the endpoint takes none, and it would show in journals and errors).</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? BaseUri { get; set; }

    /// <summary>The API family: AllMemberPush (the IM REST API's all_member_push endpoints) or Push (the Push service's timpush endpoints, which also take RegistrationIDs).</summary>
    [Parameter]
    [PSDefaultValue(Value = nameof(ImService.AllMemberPush))]
    public ImService Service { get; set; } = ImService.AllMemberPush;

    /// <summary>Calls per second per API: the app's quota. Lower it to leave room for other jobs; 0 lifts the limit.</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    [PSDefaultValue(Value = ImConnection.DefaultCallsPerSecond)]
    public int CallsPerSecond { get; set; } = ImConnection.DefaultCallsPerSecond;

    /// <summary>Calls in flight at once per command (each bulk cmdlet's -ThrottleLimit can change it for one command).</summary>
    [Parameter]
    [ValidateRange(1, ImConnection.MaxThrottleLimit)]
    [PSDefaultValue(Value = ImConnection.DefaultThrottleLimit)]
    public int ThrottleLimit { get; set; } = ImConnection.DefaultThrottleLimit;

    /// <summary>Retries of a transient failure (rate limit, timeout, server error), with exponential backoff.</summary>
    [Parameter]
    [ValidateRange(0, 20)]
    [PSDefaultValue(Value = Core.Retry.RetryPolicy.DefaultMaxRetry)]
    public int MaxRetry { get; set; } = Core.Retry.RetryPolicy.DefaultMaxRetry;

    /// <summary>The longest one HTTP attempt may take, in seconds.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    [PSDefaultValue(Value = ImConnection.DefaultTimeoutSeconds)]
    public int TimeoutSec { get; set; } = ImConnection.DefaultTimeoutSeconds;

    /// <summary>
    /// The lifetime of the UserSigs made from the secret key (they are renewed before they expire): whole seconds, at
    /// least 10 minutes, and ending before 2038-01-19 (a signature's 32-bit time); other values are refused here.
    /// </summary>
    [Parameter(ParameterSetName = SecretKeySet)]
    [Parameter(ParameterSetName = CredentialSet)]
    [PSDefaultValue(Value = Core.Auth.GeneratedUserSig.DefaultLifetimeText)]
    public TimeSpan UserSigLifetime { get; set; } = Core.Auth.GeneratedUserSig.DefaultLifetime;

    /// <summary>Writes the connection object, for -Connection in scripts that use several apps.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Connects without making it the session's connection: a connection for -Connection only, so it needs -PassThru.</summary>
    [Parameter]
    public SwitchParameter NoDefault { get; set; }

    /// <summary>
    /// Connects without the one cheap call (reading the app's attribute names) that otherwise proves the key, the
    /// region, the identifier and the plan here rather than at the first command: for offline use, or a script that
    /// connects before the network is up.
    /// </summary>
    [Parameter]
    public SwitchParameter SkipCheck { get; set; }

    #endregion

    /// <summary>
    /// Checks the settings and opens the connection. A Connect-ImApp that fails (bad settings, an expired UserSig, a
    /// check that says the connection is wrong, Ctrl+C) leaves this runspace with no connection at all, and with the
    /// environment fallback off, so that a command meant for the new app never writes to the previous one (or to the
    /// app the TENCENTIM_* variables name); -NoDefault never touches the session's connection, so its failure does not either.
    /// </summary>
    protected override void EndProcessing()
    {
        if (NoDefault)
        {
            Connect();
            return;
        }
        var connected = false;
        try
        {
            Connect();
            connected = true;
        }
        finally
        {
            if (!connected) ImSession.MarkFailed(RunspaceScope.Current, _failure ?? "stopped");
        }
    }

    /// <summary>Ends the command with <paramref name="record"/>; when the session's connection was at stake, its message says that the runspace is left without one.</summary>
    private void Fail(ErrorRecord record)
    {
        _failure = record.FullyQualifiedErrorId;
        if (!NoDefault)
        {
            var note = ImSession.FailedConnectNote;
            Exception noted = record.Exception switch
            {
                ImApiException e => e.WithNote(note),
                var other => new ArgumentException(Core.Text.MessageText.Sentence(other.Message) + " " + note, other),
            };
            record = ErrorRecords.Of(noted, record.FullyQualifiedErrorId, record.CategoryInfo.Category, record.TargetObject);
        }
        ThrowTerminatingError(record);
    }

    private void Connect()
    {
        if (NoDefault && !PassThru)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-NoDefault makes a connection that is not the session's, so only the object that -PassThru writes can use it: add -PassThru and keep the result for -Connection ($c = Connect-ImApp ... -NoDefault -PassThru)."),
                ErrorIds.NoDefaultWithoutPassThru, ErrorCategory.InvalidArgument, null));
        }
        if (Region is not null && BaseUri is not null)
        {
            Fail(new ErrorRecord(new ArgumentException("Give -Region or -BaseUri, not both."), ErrorIds.RegionAndBaseUri, ErrorCategory.InvalidArgument, null));
        }
        var settings = new ImConnectionSettings
        {
            SdkAppId = SdkAppId,
            Identifier = ParameterSetName == CredentialSet ? Credential.UserName : Identifier,
            UserSig = ParameterSetName == UserSigSet ? UserSig : null,
            SecretKey = ParameterSetName switch
            {
                SecretKeySet => KeyBytes(SecretKey),
                CredentialSet => KeyBytes(Credential.Password),
                _ => null,
            },
            UserSigLifetime = UserSigLifetime,
            Region = Region,
            BaseUri = BaseUri,
            Service = Service,
            CallsPerSecond = CallsPerSecond,
            ThrottleLimit = ThrottleLimit,
            MaxRetry = MaxRetry,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            Origin = "Connect-ImApp",
        };
        ImConnection connection;
        try
        {
            connection = ImConnection.Open(settings, TestSeam.Handler);
        }
        catch (ArgumentException e)
        {
            Fail(new ErrorRecord(e, ErrorIds.InvalidConnectionSettings, ErrorCategory.InvalidArgument, null));
            return;
        }
        finally
        {
            if (settings.SecretKey is not null) Array.Clear(settings.SecretKey, 0, settings.SecretKey.Length);
        }
        CheckUserSigExpiry(connection);
        if (!SkipCheck) Check(connection);
        QuietWrites.Verbose(this, $"Connected: {connection}");
        if (!NoDefault) ImSession.SetCurrent(RunspaceScope.Current, connection);
        if (PassThru) WriteObject(connection);
    }

    /// <summary>A ready UserSig that has expired is refused here; one that expires within the hour draws a warning.</summary>
    private void CheckUserSigExpiry(ImConnection connection)
    {
        if (ParameterSetName != UserSigSet || connection.UserSigExpiresAt is not { } expires) return;
        var left = expires - DateTimeOffset.UtcNow;
        if (left <= TimeSpan.Zero)
        {
            connection.Dispose();
            Fail(new ErrorRecord(
                new ArgumentException($"The UserSig expired at {expires.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC. Make a new one (the Chat console's UserSig tool, or Tencent's tls-sig-api-v2 with the app's key), or connect with -SecretKey so that the module makes and renews it."),
                ErrorIds.UserSigExpired, ErrorCategory.AuthenticationError, null));
        }
        if (left < TimeSpan.FromHours(1))
        {
            QuietWrites.Warning(this, $"The UserSig expires at {expires.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, in {Math.Ceiling(left.TotalMinutes):0} minute(s); it cannot be renewed. Connect with -SecretKey for a long run.");
        }
    }

    /// <summary>
    /// One cheap call (the app's attribute names) proves the connection: a failure that says the connection is wrong
    /// (the classifier's rule) fails Connect-ImApp with the message the commands would give; a passing trouble
    /// (a timeout, a 5xx after the retries) only warns, since the settings may be right.
    /// </summary>
    private void Check(ImConnection connection)
    {
        using var log = new Core.Api.QueuedCallLog(QuietWrites.TraceWanted(this));
        try
        {
            Core.Operations.AppAttributeNames.GetAsync(connection, log, default).GetAwaiter().GetResult();
        }
        catch (ImApiException e) when (ResponseClassifier.IsConnectionLevel(e))
        {
            connection.Dispose();
            Fail(ErrorRecords.Of(e, e.ErrorId, (ErrorCategory)(int)e.Category, null));
        }
        catch (ImApiException e)
        {
            QuietWrites.Warning(this, $"The connection could not be checked ({e.ErrorId}); it is made all the same: {e.Message}");
        }
        finally
        {
            QuietWrites.WriteAll(this, log);
        }
    }

    private static byte[] KeyBytes(SecureString key) => Encoding.UTF8.GetBytes(new NetworkCredential(string.Empty, key).Password);
}
