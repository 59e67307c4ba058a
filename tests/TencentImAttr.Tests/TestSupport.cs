using System;
using System.Threading;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Timing;
using TencentImAttr.Testing;

namespace TencentImAttr.Tests;

/// <summary>Connections over a stub handler.</summary>
internal static class TestConnections
{
    public const long AppId = 1400000000;
    public const string Admin = "administrator";
    public const string SampleKey = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
    public const string UserSig = "test-usersig";

    /// <summary>The emulator's rules in process, accepting the UserSig <see cref="Open"/> connects with by default.</summary>
    public static InProcessEmulator Emulator(Action<global::TencentImAttr.Emulator.EmulatorOptions>? configure = null, global::TencentImAttr.Emulator.IEmulatorClock? clock = null) => new(UserSig, configure, clock);

    public static ImConnection Open(StubHttpHandler handler, ImService service = ImService.AllMemberPush, IClock? clock = null,
        int maxRetry = 5, int callsPerSecond = 0, TimeSpan? timeout = null, string? secretKey = null, string userSig = UserSig, int throttle = 8)
    {
        return ImConnection.Open(new ImConnectionSettings
        {
            SdkAppId = AppId,
            Identifier = Admin,
            UserSig = secretKey is null ? userSig : null,
            SecretKey = secretKey is null ? null : System.Text.Encoding.UTF8.GetBytes(secretKey),
            BaseUri = new Uri("https://im.example.test/"),
            Service = service,
            MaxRetry = maxRetry,
            CallsPerSecond = callsPerSecond,
            ThrottleLimit = throttle,
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
        }, handler, clock ?? new InstantClock());
    }
}

internal static class ThreadPoolWarmUp
{
    // Many tests block a pool thread on an engine (as a cmdlet blocks its pipeline thread) while its calls need
    // other pool threads; without spare threads the pool injects them slowly and a loaded run crawls.
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Init() => ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 8), 64);
}
