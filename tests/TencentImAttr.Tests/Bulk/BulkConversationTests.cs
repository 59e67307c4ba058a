using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Bulk;

/// <summary>What a run tells the person: one approval per call, the summary, progress with a percentage, and log lines before results.</summary>
public class BulkConversationTests
{
    private static GetItem Get(string user) => Items.Get(user, ImService.AllMemberPush).Result!;

    /// <summary>Each batch succeeds at once, writing one log line first; every user named in <see cref="Failing"/> fails with that error id.</summary>
    private sealed class InstantOperation : IBatchOperation<GetItem, UserAttributes>
    {
        public Dictionary<string, string> Failing { get; } = new(StringComparer.Ordinal);
        public int Calls;

        public string UserIdOf(GetItem item) => item.UserId;
        public GetItem Merge(GetItem earlier, GetItem later) => earlier;

        public Task<ItemOutcome<UserAttributes>[]> ExecuteAsync(IReadOnlyList<GetItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending = default)
        {
            var call = Interlocked.Increment(ref Calls);
            log.Write($"call {call}: {items.Count} user(s)");
            return Task.FromResult(items.Select(i => Failing.TryGetValue(i.UserId, out var id)
                ? ItemOutcome<UserAttributes>.Failed(new ItemFailure(new InvalidOperationException(id), id, Core.Errors.ImErrorCategory.InvalidData, i.UserId))
                : ItemOutcome<UserAttributes>.Success(new UserAttributes(i.UserId, new Dictionary<string, string>()))).ToArray());
        }
    }

    /// <summary>Everything the sink gets, in order: "verbose:...", "result:USER", "error:USER".</summary>
    private sealed class OrderedSink : IEngineSink<UserAttributes>
    {
        public List<string> Events { get; } = new();
        public List<ProgressReport> Progress { get; } = new();
        public Action<string>? BeforeResult { get; init; }
        public void OnResult(UserAttributes result)
        {
            BeforeResult?.Invoke(result.UserId);
            Events.Add("result:" + result.UserId);
        }
        public void OnFailure(ItemFailure failure) => Events.Add("error:" + failure.TargetObject);
        public void OnVerbose(string line) => Events.Add("verbose:" + line);
        public void OnProgress(ProgressReport report) => Progress.Add(report);
    }

    [Fact]
    public void Approval_is_asked_once_per_batch_with_the_users_it_carries()
    {
        var asked = new List<List<string>>();
        var sink = new OrderedSink();
        using (var engine = new BatchEngine<GetItem, UserAttributes>(new InstantOperation(), new EngineOptions { BatchSize = 100, ThrottleLimit = 2 }, sink,
            approve: batch => { asked.Add(batch.Select(i => i.UserId).ToList()); return true; }))
        {
            for (var i = 0; i < 250; i++) engine.Add(Get("u" + i));
            engine.Complete();
        }
        Assert.Equal(new[] { 100, 100, 50 }, asked.Select(a => a.Count));
        Assert.Equal("u100", asked[1][0]);
        Assert.Equal(250, sink.Events.Count(e => e.StartsWith("result:", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_declined_batch_is_not_sent_and_its_users_get_no_outcome_but_bad_input_is_still_reported()
    {
        var op = new InstantOperation();
        var sink = new OrderedSink();
        var batch = 0;
        BulkRunSummary summary;
        using (var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 2, ThrottleLimit = 1 }, sink,
            approve: _ => ++batch != 2))
        {
            engine.Add(Get("a"));
            engine.Add(Get("b"));
            engine.Add(Get("c"));
            engine.AddFailure(Items.Get("", ImService.AllMemberPush).Failure!);
            engine.Add(Get("c")); // a repeat of a declined user: no outcome either
            engine.Add(Get("d"));
            engine.Add(Get("e"));
            engine.Complete();
            summary = engine.Summary("Get-ImUserAttribute", stopped: false);
        }
        Assert.Equal(2, op.Calls);
        Assert.Equal(new[] { "result:a", "result:b", "error:", "result:e" }, sink.Events.Where(e => !e.StartsWith("verbose:", StringComparison.Ordinal)));
        Assert.Equal(7, summary.Users);
        Assert.Equal(3, summary.Done);
        Assert.Equal(3, summary.NotSent);
        Assert.Equal(1, summary.FailedByErrorId["UserIdEmpty"]);
    }

    [Fact]
    public void The_summary_counts_users_in_done_and_failed_by_error_id()
    {
        var op = new InstantOperation();
        op.Failing["b"] = "UserNotFound";
        op.Failing["c"] = "UserNotFound";
        op.Failing["d"] = "AttributeValueTooLong";
        var sink = new OrderedSink();
        using var engine = new BatchEngine<GetItem, UserAttributes>(op, new EngineOptions { BatchSize = 2 }, sink);
        foreach (var user in new[] { "a", "b", "c", "d", "e" }) engine.Add(Get(user));
        engine.Complete();
        engine.Counters.AddPaceAdjustment(); // the field adaptive pacing feeds
        var summary = engine.Summary("Get-ImUserAttribute", stopped: false);
        Assert.Equal(5, summary.Users);
        Assert.Equal(2, summary.Done);
        Assert.Equal(3, summary.Failed);
        Assert.Equal(new Dictionary<string, long> { ["UserNotFound"] = 2, ["AttributeValueTooLong"] = 1 }, summary.FailedByErrorId);
        Assert.Equal(1, summary.PaceAdjustments);
        Assert.False(summary.Stopped);
        Assert.StartsWith("Get-ImUserAttribute: 5 users in, 2 done, 3 failed (UserNotFound 2, AttributeValueTooLong 1), 0 retries, 1 pace adjustments, ", summary.ToString());
        Assert.EndsWith(" users/s", summary.ToString());
        Assert.StartsWith("Get-ImUserAttribute (stopped early): ", engine.Summary("Get-ImUserAttribute", stopped: true).ToString());
    }

    [Fact]
    public void Retries_of_the_calls_are_counted_for_the_summary()
    {
        var answers = new Queue<StubResponse>(new[]
        {
            StubResponse.Http(502), // the call is sent again
            StubResponse.Ok(",\"ErrorList\":[{\"To_Account\":\"b\",\"ErrorCode\":91000,\"ErrorInfo\":\"busy\"}]"), // b is sent again
            StubResponse.Ok(),
        });
        var stub = new StubHttpHandler { Responder = _ => answers.Count > 0 ? answers.Dequeue() : StubResponse.Ok() };
        using var connection = TestConnections.Open(stub, clock: new InstantClock(), maxRetry: 5);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions(), sink);
        engine.Add(Items.Set("a", new Hashtable { ["city"] = "x" }, ImService.AllMemberPush).Result!);
        engine.Add(Items.Set("b", new Hashtable { ["city"] = "x" }, ImService.AllMemberPush).Result!);
        engine.Complete();
        var summary = engine.Summary("Set-ImUserAttribute", stopped: false);
        Assert.Equal(2, summary.Done);
        Assert.Equal(2, summary.Retries);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public void A_calls_log_lines_come_before_its_results()
    {
        var sink = new OrderedSink();
        using (var engine = new BatchEngine<GetItem, UserAttributes>(new InstantOperation(), new EngineOptions { BatchSize = 2, ThrottleLimit = 1 }, sink))
        {
            foreach (var user in new[] { "a", "b", "c" }) engine.Add(Get(user));
            engine.Complete();
        }
        // The second call may run (and write its line) before the first's results are written, or after: both are
        // right. What must hold is each line before its own call's results.
        var all = string.Join(" | ", sink.Events);
        Assert.Equal(new[] { "result:a", "result:b", "result:c", "verbose:call 1: 2 user(s)", "verbose:call 2: 1 user(s)" }, sink.Events.Order(StringComparer.Ordinal));
        Assert.True(sink.Events.IndexOf("verbose:call 1: 2 user(s)") < sink.Events.IndexOf("result:a"), all);
        Assert.True(sink.Events.IndexOf("verbose:call 2: 1 user(s)") < sink.Events.IndexOf("result:c"), all);
    }

    /// <summary>
    /// The order under the interleaving that broke it on a loaded machine (issue 21), made to happen every time by
    /// gates: the second call writes its line only once the first call's results are being written, and completes
    /// while they are (inside the sink's OnResult for b). The engine found the second call complete when it looked
    /// for the next batch to write, and wrote c before the line it had not drained.
    /// </summary>
    [Fact]
    public void A_call_that_completes_while_earlier_results_are_written_still_has_its_line_first()
    {
        var operation = new GatedSecondCall();
        var sink = new OrderedSink
        {
            BeforeResult = user =>
            {
                if (user == "a") operation.WritingFirst.Set();
                if (user == "b") operation.CompleteSecondCall();
            },
        };
        using (var engine = new BatchEngine<GetItem, UserAttributes>(operation, new EngineOptions { BatchSize = 2, ThrottleLimit = 2 }, sink))
        {
            foreach (var user in new[] { "a", "b", "c" }) engine.Add(Get(user));
            engine.Complete();
        }
        Assert.Equal(new[] { "verbose:call 1: 2 user(s)", "result:a", "result:b", "verbose:call 2: 1 user(s)", "result:c" }, sink.Events);
    }

    /// <summary>The first call answers at once; the second waits for <see cref="WritingFirst"/>, writes its line, and answers when the test says.</summary>
    private sealed class GatedSecondCall : IBatchOperation<GetItem, UserAttributes>, IDisposable
    {
        // Waits are bounded only so that a defect fails the test instead of hanging the run; no outcome depends on them.
        private static readonly TimeSpan Deadlock = TimeSpan.FromMinutes(1);
        private readonly ManualResetEventSlim _lineWritten = new(false);
        private readonly TaskCompletionSource<ItemOutcome<UserAttributes>[]> _second = new();
        private IReadOnlyList<GetItem>? _secondItems;

        public ManualResetEventSlim WritingFirst { get; } = new(false);

        public string UserIdOf(GetItem item) => item.UserId;
        public GetItem Merge(GetItem earlier, GetItem later) => earlier;

        public Task<ItemOutcome<UserAttributes>[]> ExecuteAsync(IReadOnlyList<GetItem> items, ICallLog log, CancellationToken cancellationToken, CancellationToken stopSending = default)
        {
            // Told apart by their users, not by which enters first: both calls are out at once.
            if (items[0].UserId == "a")
            {
                log.Write($"call 1: {items.Count} user(s)");
                return Task.FromResult(Succeed(items));
            }
            return Task.Run(() =>
            {
                Assert.True(WritingFirst.Wait(Deadlock), "the first call's results were never written");
                log.Write($"call 2: {items.Count} user(s)");
                _secondItems = items;
                _lineWritten.Set();
                return _second.Task;
            }, CancellationToken.None);
        }

        /// <summary>Once the second call's line is written, completes it (its continuations run inline, here).</summary>
        public void CompleteSecondCall()
        {
            Assert.True(_lineWritten.Wait(Deadlock), "the second call never wrote its line");
            // Without a synchronization context (xunit's would make the awaits resume on the pool), the engine's call
            // task completes inside SetResult: before the engine looks at it, as on the machine where it failed.
            var context = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                _second.SetResult(Succeed(_secondItems!));
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(context);
            }
        }

        /// <summary>The engine disposes its operation at its end.</summary>
        public void Dispose()
        {
            _lineWritten.Dispose();
            WritingFirst.Dispose();
        }

        private static ItemOutcome<UserAttributes>[] Succeed(IReadOnlyList<GetItem> items) =>
            items.Select(i => ItemOutcome<UserAttributes>.Success(new UserAttributes(i.UserId, new Dictionary<string, string>()))).ToArray();
    }

    [Fact]
    public void Progress_reports_carry_the_total_when_it_is_known()
    {
        var clock = new ManualClock();
        var sink = new OrderedSink();
        using (var engine = new BatchEngine<GetItem, UserAttributes>(new InstantOperation(), new EngineOptions { BatchSize = 10 }, sink, clock))
        {
            engine.Expect(100);
            for (var i = 0; i < 100; i++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(50));
                engine.Add(Get("u" + i));
            }
            engine.Complete();
        }
        var running = sink.Progress.Where(p => !p.Completed).ToList();
        Assert.NotEmpty(running);
        Assert.All(running, p => Assert.InRange(p.PercentComplete, 0, 100));
        Assert.All(running, p => Assert.Equal(100, p.Total));
        Assert.Contains("of 100 users done", running[0].StatusLine);
        Assert.Equal(100, sink.Progress.Last().PercentComplete);
    }

    [Fact]
    public void Progress_in_a_pipeline_keeps_count_and_rate_without_a_percentage()
    {
        var report = new ProgressReport(succeeded: 40, failed: 10, received: 80, TimeSpan.FromSeconds(2), completed: false);
        Assert.Equal(-1, report.PercentComplete);
        Assert.Equal(-1, report.SecondsRemaining);
        // The users read so far are no total: the line says "read" and "done", never "of".
        Assert.Equal("80 read, 50 done, 25/s, 10 error(s)", report.StatusLine);

        var known = new ProgressReport(succeeded: 40, failed: 10, received: 80, TimeSpan.FromSeconds(2), completed: false, total: 200);
        Assert.Equal(25, known.PercentComplete);
        Assert.Equal(6, known.SecondsRemaining); // 150 users left at 25/s
        Assert.Equal("50 of 200 users done, 25/s, 10 error(s)", known.StatusLine);
    }

    [Fact]
    public void Progress_says_when_calls_wait_to_be_retried_and_after_what()
    {
        var note = new Core.Api.RetryNote("ImHttpError503: im_set_attr: HTTP 503 Service Unavailable", TimeSpan.FromSeconds(4));
        var waiting = new ProgressReport(succeeded: 10_000, failed: 0, received: 10_100, TimeSpan.FromSeconds(10), completed: false, backingOff: 2, retries: 9, retrying: note);
        Assert.Equal("10,100 read, 10,000 done, 1,000/s, 0 error(s); retrying: 2 call(s) in backoff (4.0 s), 9 retries, last error ImHttpError503: im_set_attr: HTTP 503 Service Unavailable", waiting.StatusLine);
        // Once no call waits, the old note is not shown.
        var over = new ProgressReport(succeeded: 10_100, failed: 0, received: 10_100, TimeSpan.FromSeconds(10), completed: false, backingOff: 0, retries: 9, retrying: note);
        Assert.Equal("10,100 read, 10,100 done, 1,010/s, 0 error(s)", over.StatusLine);
    }

    [Fact]
    public async Task The_engine_reports_a_call_in_its_backoff_while_it_waits()
    {
        var clock = new ManualClock();
        var answers = 0;
        var stub = new StubHttpHandler { Responder = _ => Interlocked.Increment(ref answers) == 1 ? StubResponse.Http(503, "down\u001b[31m") : StubResponse.Ok(",\"UserAttrs\":[{\"To_Account\":\"u0\",\"Attrs\":{}}]") };
        using var connection = TestConnections.Open(stub, clock: clock, timeout: TimeSpan.FromMinutes(5));
        var sink = new StatusSink();
        var options = new EngineOptions { BatchSize = 1, ProgressDelay = TimeSpan.Zero, ProgressInterval = TimeSpan.Zero };
        using var engine = new BatchEngine<GetItem, UserAttributes>(BulkOperations.Get(connection), options, sink, clock);
        var run = Task.Run(() =>
        {
            engine.Add(Get("u0"));
            engine.Complete();
        });
        await Api.ApiClientTests.WaitUntil(() => clock.PendingDelays == 1 && sink.Lines.Any(l => l.Contains("retrying", StringComparison.Ordinal)));
        var line = sink.Lines.First(l => l.Contains("retrying", StringComparison.Ordinal));
        Assert.StartsWith("1 read, 0 done, 0/s, 0 error(s); retrying: 1 call(s) in backoff (", line, StringComparison.Ordinal);
        Assert.Contains("1 retries, last error ImHttpError503: im_get_attr: HTTP 503", line, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", line, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromMinutes(1));
        await run;
        Assert.DoesNotContain("retrying", sink.Lines.Last(), StringComparison.Ordinal);
    }

    private sealed class StatusSink : IEngineSink<UserAttributes>
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();
        public void OnResult(UserAttributes result) { }
        public void OnFailure(ItemFailure failure) { }
        public void OnVerbose(string line) { }
        public void OnProgress(ProgressReport report) => Lines.Enqueue(report.StatusLine);
    }

    [Fact]
    public void A_batchs_prompt_names_the_first_users_and_counts_the_rest()
    {
        Assert.Equal("1 user: alice", BatchPrompt.Users(new[] { "alice" }));
        Assert.Equal("3 users: alice, bob, carol", BatchPrompt.Users(new[] { "alice", "bob", "carol" }));
        Assert.Equal("100 users: u0, u1, u2 and 97 more", BatchPrompt.Users(Enumerable.Range(0, 100).Select(i => "u" + i).ToList()));
        var longId = new string('x', 32) + "-tail";
        Assert.Equal("1 user: " + new string('x', 21) + "...", BatchPrompt.Users(new[] { longId }));
        Assert.Equal("1 user: " + new string('y', 24), BatchPrompt.Users(new[] { new string('y', 24) }));
    }

    [Fact]
    public void A_batchs_prompt_names_each_attribute_once_and_counts_the_rest()
    {
        Assert.Equal("city, tier", BatchPrompt.Names(new[] { "city", "tier", "city", "tier" }));
        Assert.Equal("a, b, c, d, e and 2 more", BatchPrompt.Names(new[] { "a", "b", "c", "d", "e", "f", "g" }));
        Assert.Equal("City, city", BatchPrompt.Names(new[] { "City", "city" })); // names are case-sensitive in the API
    }
}
