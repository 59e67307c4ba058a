namespace TencentImAttr.Emulator;

/// <summary>A transient failure the emulator may put in place of a normal answer.</summary>
internal enum InjectedFault
{
    /// <summary>Answer normally.</summary>
    None,
    /// <summary>Answer FAIL with 91000 (internal error, retry); nothing is applied.</summary>
    InternalError,
    /// <summary>Answer HTTP 502 with an HTML page, as a gateway does; nothing is applied.</summary>
    BadGateway,
    /// <summary>
    /// Apply the call, then cut the connection without answering: the client cannot know whether it took effect,
    /// which is exactly the case that makes idempotent retries necessary.
    /// </summary>
    DropConnection,
}

/// <summary>Draws the faults: a fraction of the calls, split evenly among the three kinds; repeatable with a seed.</summary>
internal sealed class FaultInjector
{
    private readonly double _rate;
    private readonly Random _random;

    /// <summary>Creates the injector; <paramref name="rate"/> is the fraction of calls that fail (0 to 1).</summary>
    public FaultInjector(double rate, Random random)
    {
        if (rate is < 0 or > 1 || double.IsNaN(rate)) throw new ArgumentOutOfRangeException(nameof(rate), "The fail rate must be from 0 to 1.");
        _rate = rate;
        _random = random;
    }

    /// <summary>The fault for the next call. One draw per call, so a seed gives the same sequence of faults every run.</summary>
    public InjectedFault Next()
    {
        if (_rate <= 0) return InjectedFault.None;
        double draw;
        lock (_random)
        {
            draw = _random.NextDouble();
        }
        if (draw >= _rate) return InjectedFault.None;
        // The draw, scaled to [0, 3), picks the kind: each gets a third of the failures.
        return (int)(draw / _rate * 3) switch
        {
            0 => InjectedFault.InternalError,
            1 => InjectedFault.BadGateway,
            _ => InjectedFault.DropConnection,
        };
    }
}
