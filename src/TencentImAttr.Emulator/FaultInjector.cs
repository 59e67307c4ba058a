namespace TencentImAttr.Emulator;

/// <summary>
/// A failure the emulator may put in place of a normal answer. The first three imitate what a client meets on the
/// real service; the others imitate broken gateways and proxies, so that a client's handling of every bad answer can
/// be driven from a script (<c>--faults</c>) as well as from the tests.
/// </summary>
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
    /// <summary>Answer FAIL with 60007, as the quota does; nothing is applied.</summary>
    RateLimited,
    /// <summary>Apply the call, then never answer: the client's timeout has to end the wait.</summary>
    Stall,
    /// <summary>Answer HTTP 200 with an HTML page instead of JSON (a proxy's error page); nothing is applied.</summary>
    HtmlPage,
    /// <summary>Answer HTTP 200 with an empty body; nothing is applied.</summary>
    EmptyBody,
    /// <summary>Apply the call, then answer with its JSON cut in the middle.</summary>
    Truncate,
    /// <summary>Answer HTTP 200 with JSON of another shape (no <c>ActionStatus</c>); nothing is applied.</summary>
    WrongShape,
    /// <summary>Answer <c>ActionStatus</c> OK with ErrorCode 70500 (an envelope that contradicts itself); nothing is applied.</summary>
    OkWithErrorCode,
    /// <summary>Apply the call; a get_attr or get_tag answer then leaves out one of the users it was asked for (other APIs answer normally).</summary>
    MissingUser,
    /// <summary>
    /// Hold the call without answering (the client's timeout ends its wait, as with <see cref="Stall"/>), then apply it
    /// <see cref="EmulatorOptions.LateApplyMs"/> later: a stale call that lands after the client's retry succeeded,
    /// overwriting what the retry (or a later call) wrote. Only a read-back after the landing (-Verify) catches it.
    /// </summary>
    LateApply,
    /// <summary>
    /// Answer a write OK without applying it (a write acknowledged and lost); reads answer normally. Only a read-back
    /// (-Verify) catches it, and a write lost every time stays different.
    /// </summary>
    LostWrite,
}

/// <summary>
/// Draws the faults: a fraction of the calls fail, and each failure takes the next kind of the list in turn, so that
/// the kinds split evenly and every kind occurs as soon as as many calls failed. Repeatable with a seed.
/// </summary>
internal sealed class FaultInjector
{
    private readonly double _rate;
    private readonly Random _random;
    private readonly InjectedFault[] _kinds;
    private readonly long? _maxFaults;
    private readonly HashSet<string>? _apis;
    private readonly int[] _injected = new int[Enum.GetValues<InjectedFault>().Length];
    private long _failures;

    /// <summary>Creates the injector; <paramref name="rate"/> is the fraction of calls that fail (0 to 1).</summary>
    /// <param name="rate">The fraction of calls that fail.</param>
    /// <param name="random">The source of the draws.</param>
    /// <param name="kinds">The kinds to inject, taken in turn; <see cref="DefaultKinds"/> when null.</param>
    /// <param name="maxFaults">At most this many calls get a fault, the later ones none; null: no limit.</param>
    /// <param name="apis">Only calls of these APIs (im_set_attr, set_attr...) get a fault, and only they draw; null: every API.</param>
    public FaultInjector(double rate, Random random, IReadOnlyList<InjectedFault>? kinds = null, long? maxFaults = null, IEnumerable<string>? apis = null)
    {
        if (maxFaults < 0) throw new ArgumentOutOfRangeException(nameof(maxFaults), "The most faults must be 0 or more.");
        _maxFaults = maxFaults;
        _apis = apis is null ? null : new HashSet<string>(apis, StringComparer.Ordinal);
        if (rate is < 0 or > 1 || double.IsNaN(rate)) throw new ArgumentOutOfRangeException(nameof(rate), "The fail rate must be from 0 to 1.");
        _kinds = (kinds ?? DefaultKinds).ToArray();
        if (_kinds.Length == 0 || _kinds.Any(k => k == InjectedFault.None || !Enum.IsDefined(k)))
        {
            throw new ArgumentException("The fault kinds must be one or more kinds other than None.", nameof(kinds));
        }
        _rate = rate;
        _random = random;
    }

    /// <summary>What the real service does wrong now and then: 91000, HTTP 502 and a dropped connection.</summary>
    public static IReadOnlyList<InjectedFault> DefaultKinds { get; } = new[] { InjectedFault.InternalError, InjectedFault.BadGateway, InjectedFault.DropConnection };

    /// <summary>
    /// The fault for the next call of <paramref name="apiName"/> (null: any API). One draw per call that faults may
    /// strike, so a seed gives the same sequence of faults every run.
    /// </summary>
    public InjectedFault Next(string? apiName = null)
    {
        if (_rate <= 0) return InjectedFault.None;
        if (_apis is not null && (apiName is null || !_apis.Contains(apiName))) return InjectedFault.None;
        lock (_random)
        {
            if (_maxFaults is { } most && _failures >= most) return InjectedFault.None;
            if (_random.NextDouble() >= _rate) return InjectedFault.None;
            var kind = _kinds[_failures++ % _kinds.Length];
            _injected[(int)kind]++;
            return kind;
        }
    }

    /// <summary>How many of each kind were injected so far (kinds never injected are left out).</summary>
    public IReadOnlyDictionary<InjectedFault, int> Injected
    {
        get
        {
            lock (_random)
            {
                return Enum.GetValues<InjectedFault>().Where(k => _injected[(int)k] > 0).ToDictionary(k => k, k => _injected[(int)k]);
            }
        }
    }
}
