using System.Threading;

namespace TencentImAttr.Core.Bulk;

/// <summary>
/// Back-pressure on the producer (the pipeline thread): counts the items held (gathered, in flight, and finished but
/// waiting behind an unfinished batch) against <see cref="EngineOptions.MaxHeldItems"/>, and the calls in flight
/// against <see cref="EngineOptions.ThrottleLimit"/>. The engine's thread waits while either is full.
/// </summary>
internal sealed class BackPressure
{
    private readonly long _maxHeldItems;
    private readonly SemaphoreSlim _callsInFlight;
    private long _heldItems, _peakHeldItems;
    private int _inFlight, _peakInFlight;

    /// <summary>
    /// <paramref name="callsInFlight"/> holds <see cref="EngineOptions.ThrottleLimit"/> calls. It is not disposed: a call cancelled by the engine's Dispose still releases its call when its task ends.
    /// </summary>
    public BackPressure(EngineOptions options, SemaphoreSlim callsInFlight)
    {
        _maxHeldItems = options.MaxHeldItems;
        _callsInFlight = callsInFlight;
    }

    /// <summary>Items held now.</summary>
    public long HeldItems => Interlocked.Read(ref _heldItems);

    /// <summary>The most items held at any one time.</summary>
    public long PeakHeldItems => Interlocked.Read(ref _peakHeldItems);

    /// <summary>The most calls in flight at any one time.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>Whether more items are held than the run may hold: the producer waits, writing what finishes.</summary>
    public bool TooManyHeld => Interlocked.Read(ref _heldItems) > _maxHeldItems;

    /// <summary>Counts items taken (positive) or written out (negative).</summary>
    public void Hold(long count)
    {
        var now = Interlocked.Add(ref _heldItems, count);
        if (now > _peakHeldItems) _peakHeldItems = now;
    }

    /// <summary>Waits up to <paramref name="milliseconds"/> until one more call may be in flight, and reserves it; false when none may yet.</summary>
    public bool TryReserveCall(int milliseconds, CancellationToken cancellationToken) => _callsInFlight.Wait(milliseconds, cancellationToken);

    /// <summary>Gives back a reserved call that is not started.</summary>
    public void ReleaseReservedCall() => _callsInFlight.Release();

    /// <summary>A reserved call is in flight.</summary>
    public void CallStarted()
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        if (inFlight > _peakInFlight) _peakInFlight = inFlight;
    }

    /// <summary>A call is over, and another may be reserved (on the call's task).</summary>
    public void CallEnded()
    {
        Interlocked.Decrement(ref _inFlight);
        _callsInFlight.Release();
    }
}
