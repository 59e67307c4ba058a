namespace TencentImAttr.Emulator;

/// <summary>
/// The service's quota: at most N calls of one API in any one-second window (a sliding log of accepted calls).
/// Rejected calls are not counted, so a client that backs off gets through as soon as the window has room.
/// </summary>
internal sealed class CallQuota
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly int _limit;
    private readonly IEmulatorClock _clock;
    private readonly Dictionary<string, Queue<TimeSpan>> _calls = new(StringComparer.Ordinal);

    /// <summary>Creates the quota; <paramref name="callsPerSecond"/> 0 or less lifts it.</summary>
    public CallQuota(int callsPerSecond, IEmulatorClock clock)
    {
        _limit = callsPerSecond;
        _clock = clock;
    }

    /// <summary>Counts a call of <paramref name="apiName"/>; false when the window is full and the call must be refused.</summary>
    public bool TryAcquire(string apiName)
    {
        if (_limit <= 0) return true;
        lock (_calls)
        {
            if (!_calls.TryGetValue(apiName, out var starts))
            {
                starts = new Queue<TimeSpan>();
                _calls.Add(apiName, starts);
            }
            var now = _clock.Elapsed;
            while (starts.Count > 0 && now - starts.Peek() >= Window)
            {
                starts.Dequeue();
            }
            if (starts.Count >= _limit) return false;
            starts.Enqueue(now);
            return true;
        }
    }
}
