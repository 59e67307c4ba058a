using TencentImAttr.Core.Engine;

namespace TencentImAttr.Emulator.Tests;

/// <summary>A clock the test moves by hand: UserSig expiry and the quota window without waiting.</summary>
public sealed class ManualClock : IClock
{
    public DateTimeOffset UtcNow { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public TimeSpan Elapsed { get; set; } = TimeSpan.FromHours(1);

    public void Advance(TimeSpan by)
    {
        UtcNow += by;
        Elapsed += by;
    }

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        Advance(delay);
        return Task.CompletedTask;
    }
}
