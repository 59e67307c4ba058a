using System.Diagnostics;

namespace TencentImAttr.Emulator;

/// <summary>Time as the emulator sees it (UserSig expiry, the quota, late-applied calls); tests give a manual one.</summary>
internal interface IEmulatorClock
{
    /// <summary>The wall-clock time (UserSig expiry).</summary>
    DateTimeOffset UtcNow { get; }

    /// <summary>A monotonic time since an arbitrary start (the quota's window, when held calls land).</summary>
    TimeSpan Elapsed { get; }
}

/// <summary>The real clock.</summary>
internal sealed class EmulatorSystemClock : IEmulatorClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    /// <summary>The one instance.</summary>
    public static EmulatorSystemClock Instance { get; } = new();

    /// <inheritdoc />
    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    /// <inheritdoc />
    public TimeSpan Elapsed => _watch.Elapsed;
}
