using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using TencentImAttr.Core.Journal;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Journal;

/// <summary>Undo-ImRun's settle delay: users of unknown outcome are read only once the delay after the journal's last write has passed, on the connection's clock.</summary>
public sealed class UndoSettleTests : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    public void Dispose() => _log.Dispose();

    private static RunJournalRecord Item(string user, string outcome, bool hadUnknownAttempt = false) => new("Item", 2)
    {
        UserId = user,
        Outcome = outcome,
        HadUnknownAttempt = hadUnknownAttempt,
        Set = new Dictionary<string, string>(StringComparer.Ordinal) { ["city"] = "Paris" },
        Prior = new Dictionary<string, string?>(StringComparer.Ordinal) { ["city"] = "Rome" },
    };

    private static (InProcessEmulator Emulator, StubHttpHandler Handler, ManualClock Clock, Core.Connection.ImConnection Connection) Setup()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        emulator.Seed("alice", new Dictionary<string, string> { ["city"] = "Paris" });
        var handler = emulator.CreateHandler();
        var clock = new ManualClock();
        return (emulator, handler, clock, TestConnections.Open(handler, clock: clock));
    }

    private readonly Core.Api.QueuedCallLog _log = new();

    private static int Reads(StubHttpHandler handler) => handler.Requests.Count(r => r.Api == "im_get_attr");

    [Theory]
    [InlineData("Unknown", false)]
    [InlineData("Unrecorded", false)]
    [InlineData("PartlyApplied", false)]
    [InlineData("Done", true)]
    public async Task AUserThatMayStillLandIsReadOnlyAfterTheSettleDelayFromTheJournalsLastWrite(string outcome, bool hadUnknownAttempt)
    {
        var (emulator, handler, clock, connection) = Setup();
        using var _ = connection;
        var undo = new RunUndo(connection, overwrite: false, journal: null, lastWritten: clock.UtcNow - TimeSpan.FromSeconds(3), Settle);

        var task = undo.UndoAsync(new[] { Item("alice", outcome, hadUnknownAttempt) }, apply: true, _log, default);
        Assert.False(task.IsCompleted);
        Assert.Equal(1, clock.PendingDelays);
        Assert.Equal(0, Reads(handler));

        clock.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, Reads(handler));
        Assert.False(task.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var result = await task;
        Assert.Equal(1, Reads(handler));
        Assert.Equal(UndoActions.Restore, Assert.Single(result.Steps).Action);
        Assert.Equal("Rome", emulator.AttributesOf("alice")!["city"]);
    }

    [Fact]
    public async Task AJournalOlderThanTheDelay_OrItemsThatAreSettled_WaitNot()
    {
        var (_, handler, clock, connection) = Setup();
        using var _ = connection;
        var old = new RunUndo(connection, overwrite: false, journal: null, lastWritten: clock.UtcNow - TimeSpan.FromHours(1), Settle);
        await old.UndoAsync(new[] { Item("alice", "Unknown") }, apply: false, _log, default);
        Assert.Equal(1, Reads(handler));

        var fresh = new RunUndo(connection, overwrite: false, journal: null, lastWritten: clock.UtcNow, Settle);
        await fresh.UndoAsync(new[] { Item("alice", "Done") }, apply: false, _log, default);
        Assert.Equal(2, Reads(handler));
        Assert.Equal(0, clock.PendingDelays);
    }

    [Fact]
    public async Task AJournalTimeInTheFutureWaitsNoLongerThanTheDelay()
    {
        var emulator = TestConnections.Emulator();
        emulator.Register("city");
        var handler = emulator.CreateHandler();
        var clock = new RecordingClock();
        using var connection = TestConnections.Open(handler, clock: clock);
        var undo = new RunUndo(connection, overwrite: false, journal: null, lastWritten: clock.UtcNow + TimeSpan.FromHours(1), Settle);
        await undo.UndoAsync(new[] { Item("alice", "Unknown") }, apply: false, _log, default);
        Assert.Equal(Settle, clock.Delays.Max());
        Assert.Equal(1, Reads(handler));
    }

    /// <summary>Delays pass at once and are recorded: the longest one asked for is the settle wait.</summary>
    private sealed class RecordingClock : Core.Timing.IClock
    {
        private readonly ManualClock _clock = new();
        public System.Collections.Concurrent.ConcurrentBag<TimeSpan> Delays { get; } = new();
        public DateTimeOffset UtcNow => _clock.UtcNow;
        public TimeSpan Elapsed => _clock.Elapsed;
        public uint CoarseMilliseconds => _clock.CoarseMilliseconds;
        public Task Delay(TimeSpan delay, System.Threading.CancellationToken cancellationToken)
        {
            Delays.Add(delay);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task TheDelayIsWaitedOnce_NotPerBatch()
    {
        var (_, handler, clock, connection) = Setup();
        using var _ = connection;
        var undo = new RunUndo(connection, overwrite: false, journal: null, lastWritten: clock.UtcNow, Settle);
        var first = undo.UndoAsync(new[] { Item("alice", "Unknown") }, apply: false, _log, default);
        clock.Advance(Settle);
        await first;
        await undo.UndoAsync(new[] { Item("alice", "Unknown") }, apply: false, _log, default);
        Assert.Equal(2, Reads(handler));
        Assert.Equal(0, clock.PendingDelays);
    }
}
