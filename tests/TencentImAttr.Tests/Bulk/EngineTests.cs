using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Bulk;

public class EngineTests
{
    /// <summary>An operation whose batches finish when the test says, recording what it was given.</summary>
    private sealed class ControlledOperation : IBatchOperation<GetItem, UserAttributes>
    {
        public ConcurrentQueue<(List<string> Users, TaskCompletionSource<bool> Release)> Calls { get; } = new();
        public int InFlight, PeakInFlight;
        public bool AutoRelease { get; set; }

        public string UserIdOf(GetItem item) => item.UserId;
        public GetItem Merge(GetItem earlier, GetItem later) => earlier;

        public async Task<ItemOutcome<UserAttributes>[]> ExecuteAsync(IReadOnlyList<GetItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending = default)
        {
            var now = Interlocked.Increment(ref InFlight);
            lock (this) PeakInFlight = Math.Max(PeakInFlight, now);
            var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            Calls.Enqueue((items.Select(i => i.UserId).ToList(), release));
            log.Write($"call with {items.Count}");
            try
            {
                if (!AutoRelease)
                {
                    using (cancellationToken.Register(() => release.TrySetCanceled()))
                    {
                        await release.Task.ConfigureAwait(false);
                    }
                }
                return items.Select(i => ItemOutcome<UserAttributes>.Success(new UserAttributes(i.UserId, new Dictionary<string, string>()))).ToArray();
            }
            finally
            {
                Interlocked.Decrement(ref InFlight);
            }
        }
    }

    private static GetItem Get(string user) => Items.Get(user, ImService.AllMemberPush).Result!;

    [Theory]
    [InlineData(0, new int[0])]
    [InlineData(1, new[] { 1 })]
    [InlineData(99, new[] { 99 })]
    [InlineData(100, new[] { 100 })]
    [InlineData(101, new[] { 100, 1 })]
    [InlineData(250, new[] { 100, 100, 50 })]
    public void Batches_hold_at_most_100_users(int users, int[] expectedSizes)
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions { ThrottleLimit = 1 }, sink);
        for (var i = 0; i < users; i++)
        {
            engine.Add(Items.Set("u" + i, new Hashtable { ["city"] = "x" }, ImService.AllMemberPush).Result!);
        }
        engine.Complete();
        var sizes = stub.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("UserAttrs").GetArrayLength()).ToArray();
        Assert.Equal(expectedSizes, sizes);
        Assert.Equal(Enumerable.Range(0, users).Select(i => "u" + i), sink.Results.Select(r => r.UserId));
        Assert.Empty(sink.Failures);
    }

    [Fact]
    public async Task Results_come_out_in_input_order_when_calls_finish_out_of_order()
    {
        var op = new ControlledOperation();
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 2, ThrottleLimit = 3 }, sink);
        foreach (var u in new[] { "a", "b", "c", "d", "e", "f" }) engine.Add(Get(u));
        await Api.ApiClientTests.WaitUntil(() => op.Calls.Count == 3);
        TaskCompletionSource<bool> Carrying(string user) => op.Calls.Single(c => c.Users.Contains(user)).Release;
        Carrying("e").SetResult(true);
        Carrying("c").SetResult(true);
        await Api.ApiClientTests.WaitUntil(() => op.InFlight == 1);
        // The later calls are done, the first is not: adding more writes nothing yet.
        engine.Add(Get("g"));
        Assert.Empty(sink.Results);
        Carrying("a").SetResult(true);
        op.AutoRelease = true; // for the call that carries g
        engine.Complete();
        Assert.Equal(new[] { "a", "b", "c", "d", "e", "f", "g" }, sink.Results.Select(r => r.UserId));
    }

    [Fact]
    public void Sink_is_called_only_on_the_callers_thread()
    {
        var op = new ControlledOperation { AutoRelease = true };
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 10, ThrottleLimit = 4 }, sink);
        for (var i = 0; i < 1000; i++) engine.Add(Get("u" + i));
        engine.Complete();
        Assert.Equal(1000, sink.Results.Count);
        Assert.False(sink.WrongThread);
        Assert.Equal(100, sink.Verbose.Count);
    }

    [Fact]
    public async Task Never_more_calls_in_flight_than_the_limit()
    {
        var op = new ControlledOperation();
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 1, ThrottleLimit = 3 }, sink);
        var feeding = Task.Run(() =>
        {
            for (var i = 0; i < 20; i++) engine.Add(Get("u" + i));
            engine.Complete();
        });
        // The engine has its three calls in flight before any call is let finish.
        await Api.ApiClientTests.WaitUntil(() => op.InFlight == 3);
        var released = 0;
        while (released < 20)
        {
            await Api.ApiClientTests.WaitUntil(() => op.Calls.Count > released);
            Assert.True(op.InFlight <= 3);
            op.Calls.ToArray()[released++].Release.SetResult(true);
        }
        await feeding;
        Assert.Equal(3, op.PeakInFlight);
        Assert.Equal(3, engine.PeakInFlight);
        Assert.Equal(20, sink.Results.Count);
    }

    [Fact]
    public void Memory_is_bounded_by_the_batches_in_flight_not_by_the_input()
    {
        var op = new ControlledOperation { AutoRelease = true };
        var sink = new CountingSink();
        using var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 100, ThrottleLimit = 4, MaxHeldItems = 1_000 }, sink);
        for (var i = 0; i < 200_000; i++) engine.Add(Get("user" + i));
        engine.Complete();
        Assert.Equal(200_000, sink.Results);
        // Held (gathered, in flight, waiting to be written): at most MaxHeldItems, plus the batch gathered meanwhile.
        Assert.InRange(engine.PeakPendingItems, 100, 1_000 + 100);
        Assert.Equal(0, engine.PendingItems);
    }

    private sealed class CountingSink : IEngineSink<UserAttributes>
    {
        public int Results;
        public void OnResult(UserAttributes result) => Results++;
        public void OnFailure(ItemFailure failure) => throw new InvalidOperationException(failure.Message);
        public void OnVerbose(string line) { }
        public void OnProgress(ProgressReport report) { }
    }

    [Fact]
    public async Task Cancellation_stops_new_sends_and_cancels_calls_in_flight()
    {
        var op = new ControlledOperation();
        var sink = new CollectingSink<UserAttributes>();
        using var stop = new CancellationTokenSource();
        using var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 1, ThrottleLimit = 2 }, sink, cancellationToken: stop.Token);
        var feeding = Task.Run(() =>
        {
            for (var i = 0; i < 100; i++) engine.Add(Get("u" + i));
            engine.Complete();
        });
        await Api.ApiClientTests.WaitUntil(() => op.Calls.Count == 2);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => feeding);
        await Api.ApiClientTests.WaitUntil(() => op.InFlight == 0);
        Assert.Equal(2, op.Calls.Count);
        Assert.All(op.Calls, c => Assert.True(c.Release.Task.IsCanceled));
    }

    [Fact]
    public async Task Cancellation_reaches_http_calls_and_retry_waits()
    {
        var clock = new ManualClock();
        var stub = new StubHttpHandler { Responder = r => r.Body.Contains("u0") ? StubResponse.Stalled() : StubResponse.Fail(91000) };
        using var connection = TestConnections.Open(stub, clock: clock, timeout: TimeSpan.FromMinutes(5));
        var sink = new CollectingSink<UserAttributes>();
        using var stop = new CancellationTokenSource();
        using var engine = new BatchEngine<GetItem, UserAttributes>(BulkOperations.Get(connection), new EngineOptions { BatchSize = 1, ThrottleLimit = 2 }, sink, cancellationToken: stop.Token);
        var run = Task.Run(() =>
        {
            engine.Add(Get("u0"));
            engine.Add(Get("u1"));
            engine.Complete();
        });
        await Api.ApiClientTests.WaitUntil(() => stub.Requests.Count == 2 && clock.PendingDelays == 1);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await Api.ApiClientTests.WaitUntil(() => stub.PeakInFlight >= 1 && clock.PendingDelays == 1);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public void Rejected_items_are_reported_in_their_place()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<GetItem, UserAttributes>(BulkOperations.Get(connection), new EngineOptions(), sink);
        stub.Responder = r => StubResponse.Ok(",\"UserAttrs\":[{\"To_Account\":\"c\",\"Attrs\":{}},{\"To_Account\":\"a\",\"Attrs\":{\"x\":\"1\"}}]");
        foreach (var u in new[] { "a", "", "c" })
        {
            var item = Items.Get(u, ImService.AllMemberPush);
            if (item.Failure is not null) engine.AddFailure(item.Failure);
            else engine.Add(item.Result!);
        }
        engine.Complete();
        Assert.Equal(3, sink.Outcomes.Count);
        Assert.Equal("a", Assert.IsType<UserAttributes>(sink.Outcomes[0]).UserId);
        Assert.Equal("UserIdEmpty", Assert.IsType<ItemFailure>(sink.Outcomes[1]).ErrorId);
        Assert.Equal("c", Assert.IsType<UserAttributes>(sink.Outcomes[2]).UserId);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public void A_batch_of_only_bad_input_sends_nothing()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<GetItem, UserAttributes>(BulkOperations.Get(connection), new EngineOptions(), sink);
        for (var i = 0; i < 1000; i++) engine.AddFailure(Items.Get(" ", ImService.AllMemberPush).Failure!);
        engine.Complete();
        Assert.Equal(1000, sink.Failures.Count);
        Assert.Empty(stub.Requests);
        Assert.True(engine.PeakPendingItems <= 400);
    }

    [Fact]
    public void Duplicates_in_a_batch_are_sent_once_and_answered_in_each_place()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions(), sink);
        engine.Add(Items.Set("alice", new Hashtable { ["city"] = "A", ["sex"] = "F" }, ImService.AllMemberPush).Result!);
        engine.Add(Items.Set("bob", new Hashtable { ["city"] = "B" }, ImService.AllMemberPush).Result!);
        engine.Add(Items.Set("alice", new Hashtable { ["city"] = "C" }, ImService.AllMemberPush).Result!);
        engine.Complete();
        var body = JsonDocument.Parse(stub.Requests.Single().Body).RootElement.GetProperty("UserAttrs");
        Assert.Equal(2, body.GetArrayLength());
        Assert.Equal("C", body[0].GetProperty("Attrs").GetProperty("city").GetString());
        Assert.Equal("F", body[0].GetProperty("Attrs").GetProperty("sex").GetString());
        Assert.Equal(new[] { "alice", "bob", "alice" }, sink.Results.Select(r => r.UserId));
        Assert.Same(sink.Results[0], sink.Results[2]);
        Assert.Equal(0, engine.PendingItems);
    }

    [Fact]
    public void A_failed_repeated_user_is_reported_in_each_place()
    {
        var stub = new StubHttpHandler().Enqueue(StubResponse.Fail(90001, "bad json"));
        using var connection = TestConnections.Open(stub);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<GetItem, UserAttributes>(BulkOperations.Get(connection), new EngineOptions(), sink);
        foreach (var u in new[] { "a", "b", "a", "a" }) engine.Add(Get(u));
        engine.Complete();
        Assert.Equal(new object[] { "a", "b", "a", "a" }, sink.Failures.Select(f => f.TargetObject));
        Assert.Equal("{\"To_Account\":[\"a\",\"b\"]}", stub.Requests.Single().Body);
    }

    [Fact]
    public async Task Rejected_items_behind_a_stalled_call_are_bounded_too()
    {
        var op = new ControlledOperation();
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 100, ThrottleLimit = 2, MaxHeldItems = 2_000 }, sink);
        var failure = Items.Get("", ImService.AllMemberPush).Failure!;
        var feeding = Task.Run(() =>
        {
            for (var i = 0; i < 100; i++) engine.Add(Get("u" + i));
            for (var i = 0; i < 200_000; i++) engine.AddFailure(failure);
            engine.Complete();
        });
        await Api.ApiClientTests.WaitUntil(() => op.Calls.Count == 1);
        await Api.ApiClientTests.WaitUntil(() => engine.PendingItems >= 2_000);
        await Task.Delay(100);
        // The stalled batch and batches of 400 rejected items behind it, up to MaxHeldItems, + the batch being gathered.
        Assert.InRange(engine.PendingItems, 2_000, 2_000 + 400);
        op.Calls.Single().Release.SetResult(true);
        await feeding;
        Assert.Equal(200_100, sink.Outcomes.Count);
        Assert.InRange(engine.PeakPendingItems, 2_000, 2_000 + 400);
    }

    [Fact]
    public async Task A_batch_that_falls_behind_does_not_stop_the_others_until_the_held_items_reach_the_bound()
    {
        // The first call stalls (a batch in its backoff); the others finish at once. They must go on being sent
        // until MaxHeldItems are held, not stop after a few batches; output stays in input order.
        var op = new ControlledOperation();
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 100, ThrottleLimit = 2, MaxHeldItems = 1_000 }, sink);
        var feeding = Task.Run(() =>
        {
            for (var i = 0; i < 3_000; i++) engine.Add(Get("u" + i));
            engine.Complete();
        });
        // The first batch (u0..u99) is the one held back; with two calls in flight it may not be the first to arrive.
        await Api.ApiClientTests.WaitUntil(() => op.Calls.Any(c => c.Users[0] == "u0"));
        var first = op.Calls.First(c => c.Users[0] == "u0");
        // Release every call but the first as it comes, until the feeder blocks on the bound.
        await Api.ApiClientTests.WaitUntil(() =>
        {
            foreach (var call in op.Calls.Where(c => c.Release != first.Release)) call.Release.TrySetResult(true);
            return engine.PendingItems > 1_000 && op.Calls.Count >= 10 && op.InFlight == 1;
        });
        // Time for a wrong eleventh call to show (the assertion below would see it).
        await Task.Delay(100);
        foreach (var call in op.Calls.Where(c => c.Release != first.Release)) call.Release.TrySetResult(true);
        // 1,100 held: the stalled batch, 9 finished behind it, and the one that the bound holds back from being sent.
        Assert.Equal(10, op.Calls.Count);
        Assert.Empty(sink.Results);
        first.Release.SetResult(true);
        while (!feeding.IsCompleted)
        {
            foreach (var call in op.Calls) call.Release.TrySetResult(true);
            await Task.Delay(10);
        }
        await feeding;
        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => "u" + i), sink.Results.Select(r => r.UserId));
    }

    [Fact]
    public async Task A_user_repeated_in_a_later_batch_waits_for_the_earlier_call()
    {
        var op = new ControlledOperation();
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 2, ThrottleLimit = 4 }, sink);
        var run = Task.Run(() =>
        {
            foreach (var u in new[] { "a", "b", "c", "d", "a", "e" }) engine.Add(Get(u));
            engine.Complete();
        });
        await Api.ApiClientTests.WaitUntil(() => op.Calls.Count == 2);
        await Task.Delay(100);
        Assert.Equal(2, op.Calls.Count); // the batch (a, e) waits for the batch (a, b)
        // The two calls start on worker threads in either order: release the one that carries a.
        op.Calls.Single(c => c.Users.Contains("a")).Release.SetResult(true);
        await Api.ApiClientTests.WaitUntil(() => op.Calls.Count == 3);
        Assert.Equal(new[] { "a", "e" }, op.Calls.ToArray()[2].Users);
        Assert.False(op.Calls.Single(c => c.Users.Contains("c")).Release.Task.IsCompleted);
        foreach (var c in op.Calls) c.Release.TrySetResult(true);
        await run;
        Assert.Equal(new[] { "a", "b", "c", "d", "a", "e" }, sink.Results.Select(r => r.UserId));
    }

    [Fact]
    public void Progress_is_silent_for_short_runs_and_throttled_for_long_ones()
    {
        var clock = new ManualClock();
        var op = new ControlledOperation { AutoRelease = true };
        var sink = new CollectingSink<UserAttributes>();
        using (var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 10 }, sink, clock))
        {
            for (var i = 0; i < 50; i++) engine.Add(Get("u" + i));
            engine.Complete();
        }
        Assert.Empty(sink.Progress);

        var longRun = new CollectingSink<UserAttributes>();
        using (var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 10 }, longRun, clock))
        {
            for (var i = 0; i < 100; i++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(50)); // 5 s in all
                engine.Add(Get("u" + i));
            }
            engine.Complete();
        }
        Assert.InRange(longRun.Progress.Count, 10, 18); // every 250 ms after the first second, plus the closing report
        Assert.True(longRun.Progress.Last().Completed);
        Assert.Equal(100, longRun.Progress.Last().Succeeded);
        Assert.Contains("100 read, 100 done", longRun.Progress.Last().StatusLine);
    }

    [Fact]
    public void Operation_defects_still_account_for_every_user()
    {
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<GetItem, UserAttributes>(new ThrowingOperation(), new EngineOptions(), sink);
        engine.Add(Get("a"));
        engine.Add(Get("b"));
        engine.Complete();
        Assert.Equal(new object[] { "a", "b" }, sink.Failures.Select(f => f.TargetObject));
        Assert.All(sink.Failures, f => Assert.Equal("ImUnexpectedError", f.ErrorId));
    }

    private sealed class ThrowingOperation : IBatchOperation<GetItem, UserAttributes>
    {
        public string UserIdOf(GetItem item) => item.UserId;
        public GetItem Merge(GetItem earlier, GetItem later) => earlier;
        public Task<ItemOutcome<UserAttributes>[]> ExecuteAsync(IReadOnlyList<GetItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending = default) =>
            throw new InvalidOperationException("defect");
    }
}
