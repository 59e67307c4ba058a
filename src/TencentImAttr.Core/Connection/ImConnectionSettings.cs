using System;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Retry;

namespace TencentImAttr.Core.Connection;

/// <summary>Everything needed to open a connection; the secret parts are consumed by <see cref="ImConnection.Open"/>.</summary>
internal sealed class ImConnectionSettings
{
    /// <summary>The app's SDKAppID.</summary>
    public long SdkAppId { get; set; }
    /// <summary>The App administrator account.</summary>
    public string? Identifier { get; set; }
    /// <summary>A ready UserSig (one of UserSig or SecretKey).</summary>
    public string? UserSig { get; set; }
    /// <summary>The app's secret key as UTF-8 bytes (one of UserSig or SecretKey).</summary>
    public byte[]? SecretKey { get; set; }
    /// <summary>The lifetime of generated UserSigs.</summary>
    public TimeSpan? UserSigLifetime { get; set; }
    /// <summary>A region name (default China); ignored when BaseUri is set.</summary>
    public string? Region { get; set; }
    /// <summary>A whole base URI: a proxy, a test server, the emulator.</summary>
    public Uri? BaseUri { get; set; }
    /// <summary>The API family.</summary>
    public ImService Service { get; set; } = ImService.AllMemberPush;
    /// <summary>Calls per second per API (the app's quota, default 100); 0 lifts the limit.</summary>
    public int CallsPerSecond { get; set; } = ImConnection.DefaultCallsPerSecond;
    /// <summary>Calls in flight at once per cmdlet.</summary>
    public int ThrottleLimit { get; set; } = ImConnection.DefaultThrottleLimit;
    /// <summary>Retries of a transient failure.</summary>
    public int MaxRetry { get; set; } = RetryPolicy.DefaultMaxRetry;
    /// <summary>The longest a single HTTP attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = ImConnection.DefaultTimeout;
    /// <summary>Where the settings came from, for Get-ImConnection ("Connect-ImApp", "Environment").</summary>
    public string Origin { get; set; } = "Connect-ImApp";
}
