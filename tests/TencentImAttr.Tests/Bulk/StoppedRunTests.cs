using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Bulk;

/// <summary>
/// A run that stops early: on a failure that says the connection is wrong (one terminating error, nothing sent
/// after it), or on the caller's -ErrorAction Stop (the sink throws); either way every user held is accounted for.
/// </summary>
public class StoppedRunTests
{
    private static IEnumerable<string> Users(int count) => Enumerable.Range(0, count).Select(i => $"u{i:D4}");

    private static ImRunStoppedException RunUntilStopped<TResult>(IBatchOperation<SetItem, TResult> op, IEnumerable<ItemOutcome<SetItem>> input, IEngineSink<TResult> sink, int throttle = 1)
        where TResult : class
    {
        using var engine = new BatchEngine<SetItem, TResult>(op, new EngineOptions { ThrottleLimit = throttle }, sink);
        return Assert.Throws<ImRunStoppedException>(() =>
        {
            foreach (var item in input)
            {
                if (item.Failure is not null) engine.AddFailure(item.Failure);
                else engine.Add(item.Result!);
            }
            engine.Complete();
        });
    }

    private static IEnumerable<ItemOutcome<SetItem>> Sets(IEnumerable<string> users) =>
        users.Select(u => Items.Set(u, new Hashtable { ["city"] = "Shenzhen" }, ImService.AllMemberPush));

    public static TheoryData<int> ConnectionCodes()
    {
        var data = new TheoryData<int>();
        foreach (var code in new[] { 70001, 70002, 70003, 70005, 70009, 70013, 70014, 70016, 70020, 70050, 70052, 60006, 60016, 60017, 60020, 60021, 90009, 90045 }) data.Add(code);
        return data;
    }

    [Theory]
    [MemberData(nameof(ConnectionCodes))]
    public void A_connection_level_code_ends_the_run_with_one_error_and_no_further_call(int code)
    {
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Fail(code, "no") };
        using var connection = TestConnections.Open(stub);
        var sink = new CollectingSink<UserAttributes>();
        var e = RunUntilStopped(BulkOperations.Set(connection), Sets(Users(1000)), sink);
        Assert.Single(stub.Requests);
        Assert.Empty(sink.Failures);
        Assert.Equal("ImApiError" + code, e.ErrorId);
        Assert.False(e.ByCaller);
        Assert.Equal(Users(100), e.Failed);
        // The input stops being read at the stop: what was held and never sent is listed, the rest was not taken.
        Assert.Equal(Users(1000).Skip(100).Take(e.NotSent.Count), e.NotSent);
        Assert.Empty(e.Applied);
        Assert.Contains(ImErrorCodes.Fix(code)!, e.Message, StringComparison.Ordinal);
        Assert.Contains($"0 applied, 100 failed, 0 outcome unknown (timed out or cut after sending), {e.NotSent.Count} not sent", e.Message, StringComparison.Ordinal);
        Assert.IsType<ImApiException>(e.InnerException);
    }

    [Fact]
    public void An_expired_user_sig_that_a_renewal_does_not_cure_stops_after_the_renewal()
    {
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Fail(70001, "expired") };
        using var connection = TestConnections.Open(stub, secretKey: TestConnections.SampleKey);
        var e = RunUntilStopped(BulkOperations.Set(connection), Sets(Users(250)), new CollectingSink<UserAttributes>());
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal("ImApiError70001", e.ErrorId);
        Assert.Contains("-SecretKey", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, int, string> TransportFaults() => new()
    {
        { "name", 1, "does not resolve" },
        { "tls", 1, "TLS handshake" },
        { "refused", 6, "refused the connection" },
    };

    [Theory]
    [MemberData(nameof(TransportFaults))]
    public void A_broken_transport_ends_the_run_with_one_error(string fault, int requests, string advice)
    {
        Exception inner = fault switch
        {
            "name" => new SocketException((int)SocketError.HostNotFound),
            "tls" => new AuthenticationException("The remote certificate is invalid."),
            _ => new SocketException((int)SocketError.ConnectionRefused),
        };
        var stub = new StubHttpHandler { Responder = _ => new StubResponse { Exception = new HttpRequestException("failed", inner) } };
        using var connection = TestConnections.Open(stub);
        var sink = new CollectingSink<UserAttributes>();
        var e = RunUntilStopped(BulkOperations.Set(connection), Sets(Users(250)), sink);
        Assert.Equal(requests, stub.Requests.Count);
        Assert.Empty(sink.Failures);
        Assert.Equal("ImConnectionFailed", e.ErrorId);
        Assert.Contains(advice, e.Message, StringComparison.Ordinal);
        Assert.Equal(Users(100), e.Failed);
        Assert.Equal(Users(250).Skip(100).Take(e.NotSent.Count), e.NotSent);
    }

    [Fact]
    public void A_reset_is_not_connection_level_and_each_user_is_reported()
    {
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Reset() };
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions { ThrottleLimit = 1 }, sink);
        foreach (var item in Sets(Users(150))) engine.Add(item.Result!);
        engine.Complete();
        Assert.Equal(150, sink.Failures.Count);
        Assert.All(sink.Failures, f => Assert.True(f.OutcomeUnknown));
    }

    [Fact]
    public void A_connection_level_code_for_one_user_of_an_error_list_does_not_stop_the_run()
    {
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Ok(",\"ErrorList\":[{\"To_Account\":\"u0001\",\"ErrorCode\":70005,\"ErrorInfo\":\"\"}]") };
        using var connection = TestConnections.Open(stub, ImService.Push);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions(), sink);
        foreach (var item in Sets(Users(3))) engine.Add(item.Result!);
        engine.Complete();
        Assert.Equal("u0001", Assert.Single(sink.Failures).TargetObject);
    }

    [Fact]
    public void Users_held_in_a_call_that_timed_out_are_of_unknown_outcome()
    {
        // Two calls in flight: the first stalls past its timeout, the second is refused for the connection. The refusal is
        // held until the stalled call is in, whichever of the two the thread pool starts first: a refusal answered
        // before the first call went out would stop the run with that call never sent.
        var stalledIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHttpHandler
        {
            Responder = r =>
            {
                if (!r.Body.Contains("\"u0000\"", StringComparison.Ordinal))
                {
                    var refusal = StubResponse.Fail(90009, "admin");
                    refusal.Gate = stalledIn.Task;
                    return refusal;
                }
                stalledIn.TrySetResult();
                return StubResponse.Stalled();
            },
        };
        // The stalled call must outlast the refused one by far: its timeout is all that orders them.
        using var connection = TestConnections.Open(stub, maxRetry: 0, timeout: TimeSpan.FromSeconds(5));
        var e = RunUntilStopped(BulkOperations.Set(connection), Sets(Users(300)), new CollectingSink<UserAttributes>(), throttle: 2);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal(Users(100), e.OutcomeUnknown);
        Assert.Equal(Users(200).Skip(100), e.Failed);
        Assert.Equal(Users(300).Skip(200).Take(e.NotSent.Count), e.NotSent);
    }

    /// <summary>The sink of a cmdlet under -ErrorAction Stop: the first failure written stops the run.</summary>
    private sealed class StopOnFirstFailure : IEngineSink<UserAttributes>
    {
        public List<string> Written { get; } = new();
        public void OnResult(UserAttributes result) => Written.Add(result.UserId);
        public void OnFailure(ItemFailure failure) => throw new StopRequestedException(new InvalidOperationException("ActionPreference Stop"));
        public void OnVerbose(string line) { }
        public void OnProgress(ProgressReport report) { }
    }

    [Fact]
    public void A_run_stopped_by_the_caller_accounts_for_every_user_and_resumes_exactly()
    {
        var service = TestConnections.Emulator();
        service.Register("city");
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);
        var users = Users(5000).ToList();
        IEnumerable<ItemOutcome<SetItem>> Input(bool fixedValue) => users.Select((u, i) =>
            Items.Set(u, new Hashtable { ["city"] = i == 1500 && !fixedValue ? new string('x', 51) : "Tokyo" }, ImService.AllMemberPush));
        var sink = new StopOnFirstFailure();

        var e = RunUntilStopped(BulkOperations.Set(connection), Input(false), sink, throttle: 8);

        Assert.True(e.ByCaller);
        Assert.Equal(1500, e.StoppedAt);
        Assert.Equal("AttributeValueTooLong", e.ErrorId);
        Assert.Equal("u1500", e.Failed[0]);
        Assert.Equal(users.Take(1500), sink.Written);
        var lists = e.Applied.Concat(e.Failed).Concat(e.OutcomeUnknown).Concat(e.NotSent).ToList();
        Assert.Equal(lists.Count, lists.Distinct().Count());
        Assert.Equal(users.Skip(1500).Take(lists.Count).OrderBy(u => u), lists.OrderBy(u => u));
        Assert.NotEmpty(e.Applied);
        Assert.All(e.Applied, u => Assert.Equal("Tokyo", service.AttributesOf(u)!["city"]));
        Assert.All(e.NotSent, u => Assert.Null(service.AttributesOf(u)));
        var callsAtStop = stub.Requests.Count;

        // The README's resume: skip what was written before the stop, and the users applied after it.
        var resumed = new CollectingSink<UserAttributes>();
        using (var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions { ThrottleLimit = 8 }, resumed))
        {
            foreach (var item in Input(true).Skip((int)e.StoppedAt).Where(i => !e.Applied.Contains(i.Result!.UserId))) engine.Add(item.Result!);
            engine.Complete();
        }
        Assert.Empty(resumed.Failures);
        Assert.Equal(5000 - 1500 - e.Applied.Count, resumed.Results.Count);
        Assert.All(users, u => Assert.Equal("Tokyo", service.AttributesOf(u)!["city"]));
        Assert.True(stub.Requests.Count > callsAtStop);
    }

    /// <summary>The sink of a cmdlet whose output a downstream Select-Object -First stops after <c>first</c> results.</summary>
    private sealed class TakeFirst : IEngineSink<UserAttributes>
    {
        private readonly int _first;
        public TakeFirst(int first) => _first = first;
        public Exception Stop { get; } = new InvalidOperationException("StopUpstreamCommands");
        public List<string> Written { get; } = new();
        public void OnResult(UserAttributes result)
        {
            Written.Add(result.UserId);
            if (Written.Count == _first) throw new DownstreamStopException(Stop);
        }
        public void OnFailure(ItemFailure failure) { }
        public void OnVerbose(string line) { }
        public void OnProgress(ProgressReport report) { }
    }

    [Fact]
    public void A_run_whose_output_is_no_longer_taken_counts_every_user_read_as_the_service_holds_them()
    {
        var service = TestConnections.Emulator();
        service.Register("city");
        var stub = service.CreateHandler();
        using var connection = TestConnections.Open(stub);
        var users = Users(5000).ToList();
        var sink = new TakeFirst(2);
        var read = 0;
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions { ThrottleLimit = 8 }, sink);

        var thrown = Assert.ThrowsAny<Exception>(() =>
        {
            foreach (var item in Sets(users))
            {
                read++;
                engine.Add(item.Result!);
            }
            engine.Complete();
        });

        // The host's own stop goes on up, not an error of the run's.
        Assert.Same(sink.Stop, thrown);
        var summary = engine.Summary("Set-ImUserAttribute", stopped: true);
        Assert.Equal(read, summary.Users);
        Assert.Equal(summary.Users, summary.Done + summary.Failed + summary.OutcomeUnknown + summary.StoppedBeforeSending + summary.NotSent);
        Assert.Equal(0, summary.Failed + summary.OutcomeUnknown);
        Assert.True(summary.HeldAccounted);
        var applied = users.Take(read).Count(u => service.AttributesOf(u) is { } a && a.TryGetValue("city", out var city) && city == "Shenzhen");
        Assert.Equal(applied, summary.Done);
        Assert.True(summary.Done >= 2);
        Assert.Equal(0, engine.PendingItems);
    }

    [Fact]
    public void A_run_stopped_by_ctrl_c_counts_every_user_read_its_cancelled_calls_of_unknown_outcome_and_the_rest_not_sent()
    {
        // Throttle 2: the first batch's call is answered; the second's and third's go out and are held by a gate that
        // never opens; Ctrl+C comes as the third arrives, while the pipeline thread waits with a fourth batch for a free
        // call. The calls are told apart by their users, not by arrival order (the first two are in flight together and
        // may reach the stub in either order: a soak under load caught that).
        using var ctrlC = new System.Threading.CancellationTokenSource();
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHttpHandler
        {
            Responder = r =>
            {
                if (r.Body.Contains("\"u0000\"", StringComparison.Ordinal)) return StubResponse.Ok();
                if (r.Body.Contains("\"u0200\"", StringComparison.Ordinal)) ctrlC.Cancel();
                return new StubResponse { Gate = never.Task };
            },
        };
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        var sink = new CollectingSink<UserAttributes>();
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions { ThrottleLimit = 2 }, sink, cancellationToken: ctrlC.Token);
        var read = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (var item in Sets(Users(1000)))
            {
                read++;
                engine.Add(item.Result!);
            }
            engine.Complete();
        });

        var e = engine.Interrupted();

        Assert.NotNull(e);
        Assert.Null(engine.Interrupted());
        Assert.Equal(3, stub.Requests.Count);
        var summary = engine.Summary("Set-ImUserAttribute", stopped: true);
        Assert.Equal(read, summary.Users);
        Assert.Equal(summary.Users, summary.Done + summary.Failed + summary.OutcomeUnknown + summary.StoppedBeforeSending + summary.NotSent);
        Assert.Equal(100, summary.Done);
        Assert.Equal(200, summary.OutcomeUnknown);
        Assert.Equal(read - 300, summary.StoppedBeforeSending);
        Assert.True(read > 300);
        Assert.Equal(Users(300).Skip(100), e!.OutcomeUnknown);
        Assert.Equal(Users(read).Skip(300), e.NotSent);
        Assert.Equal(ErrorIds.NotSent, e.ErrorId);
        Assert.Contains("stopped (Ctrl+C)", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, engine.PendingItems);
    }

    /// <summary>
    /// A sink whose host is stopped (Ctrl+C) as the first failure is written, the write then failing with what its
    /// refusal makes: under -ErrorAction Stop the stop request (Ctrl+C then comes while the stop
    /// waits for its calls in flight), else PowerShell's refusal of a write from a stopping pipeline.
    /// </summary>
    private sealed class CtrlCAtFirstFailure : IEngineSink<UserAttributes>
    {
        private readonly System.Threading.CancellationTokenSource _ctrlC;
        private readonly Func<Exception> _refusal;
        public CtrlCAtFirstFailure(System.Threading.CancellationTokenSource ctrlC, Func<Exception> refusal)
        {
            _ctrlC = ctrlC;
            _refusal = refusal;
        }
        public void OnResult(UserAttributes result) { }
        public void OnFailure(ItemFailure failure)
        {
            _ctrlC.Cancel();
            throw _refusal();
        }
        public void OnVerbose(string line) { }
        public void OnProgress(ProgressReport report) { }
    }

    [Fact]
    public void A_ctrl_c_while_a_stop_waits_for_its_calls_in_flight_still_counts_every_user()
    {
        // Throttle 2: the first batch's call is answered with a failure only once the second's has arrived (held by a gate
        // that never opens); writing that failure stops the run (-ErrorAction Stop) and Ctrl+C comes at that moment, so the
        // stop's wait for the second call is cancelled: its users must still be counted (of unknown outcome: its
        // request went out), not lost.
        using var ctrlC = new System.Threading.CancellationTokenSource();
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Told apart by their users, not by which arrives first (two calls in flight reach the stub in either order).
        var stub = new StubHttpHandler
        {
            Responder = r =>
            {
                if (r.Body.Contains("\"u0000\"", StringComparison.Ordinal))
                {
                    var refused = StubResponse.Fail(90001, "refused");
                    refused.Gate = secondArrived.Task;
                    return refused;
                }
                secondArrived.TrySetResult();
                return new StubResponse { Gate = never.Task };
            },
        };
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions { ThrottleLimit = 2 }, new CtrlCAtFirstFailure(ctrlC, () => new StopRequestedException(new InvalidOperationException("ActionPreference Stop"))), cancellationToken: ctrlC.Token);

        var e = Assert.Throws<ImRunStoppedException>(() =>
        {
            foreach (var item in Sets(Users(200))) engine.Add(item.Result!);
            engine.Complete();
        });

        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal("ImApiError90001", e.ErrorId);
        Assert.Equal(Users(200).Skip(100), e.OutcomeUnknown);
        var summary = engine.Summary("Set-ImUserAttribute", stopped: true);
        Assert.Equal(200, summary.Users);
        Assert.Equal(summary.Users, summary.Done + summary.Failed + summary.OutcomeUnknown + summary.StoppedBeforeSending + summary.NotSent);
        Assert.Equal(100, summary.Failed);
        Assert.Equal(100, summary.OutcomeUnknown);
        Assert.Equal(0, engine.PendingItems);
    }

    [Fact]
    public void A_call_cancelled_by_ctrl_c_before_its_request_went_out_leaves_its_users_not_sent()
    {
        // Ctrl+C came before the call's turn at the quota: nothing of it reached the service.
        using var ctrlC = new System.Threading.CancellationTokenSource();
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        using var log = new QueuedCallLog(false);
        var items = Sets(Users(3)).Select(i => i.Result!).ToList();
        ctrlC.Cancel();

        var e = Assert.ThrowsAny<CallCancelledException>(() => BulkOperations.Set(connection).ExecuteAsync(items, log, ctrlC.Token).GetAwaiter().GetResult());

        var outcomes = e.OutcomesOf<SetItem, UserAttributes>(items)!;
        Assert.Equal(3, outcomes.Length);
        Assert.All(outcomes, o => Assert.True(o.Failure!.NotSent && !o.Failure.OutcomeUnknown));
        // Another list (another layer's items) is not told these outcomes: it cannot tell them apart.
        Assert.Null(e.OutcomesOf<SetItem, UserAttributes>(items.ToList()));
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public void A_ctrl_c_while_a_batch_is_written_counts_the_rest_of_that_batch()
    {
        // One call of 99 users and a rejected row at place 50: Ctrl+C comes as that row's error is written.
        using var ctrlC = new System.Threading.CancellationTokenSource();
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Ok() };
        using var connection = TestConnections.Open(stub);
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions { ThrottleLimit = 1 }, new CtrlCAtFirstFailure(ctrlC, () => new InvalidOperationException("The pipeline has been stopped.")), cancellationToken: ctrlC.Token);
        var users = Users(100).ToList();
        Assert.Throws<InvalidOperationException>(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                if (i == 50) engine.AddFailure(new ItemFailure(new InvalidOperationException("bad row"), "UserIdEmpty", ImErrorCategory.InvalidArgument, ""));
                else engine.Add(Sets(new[] { users[i] }).Single().Result!);
            }
            engine.Complete();
        });

        var e = engine.Interrupted();

        var summary = engine.Summary("Set-ImUserAttribute", stopped: true);
        Assert.Equal(100, summary.Users);
        Assert.Equal(99, summary.Done);
        Assert.Equal(1, summary.Failed);
        Assert.Equal(users.Skip(51), e!.Applied);
        Assert.Equal(0, engine.PendingItems);
    }
}
