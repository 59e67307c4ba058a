using System;
using System.Collections;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Bulk;

/// <summary>
/// Issue 25: while the app's names are on the wire (a run's first call), the pipeline goes on reading, and what it
/// reads is held (<see cref="ReadAhead{TItem}"/>), not sent, until the names are known: then checked and gathered in
/// input order (<see cref="ItemIntake{TItem,TResult}"/>). A name the app does not register is still one error before
/// anything carrying it is sent, and every item read is accounted for however the run ends. The names' answer is held
/// by a gate, and a test waits for the state it looks at: no assert depends on how fast the machine is.
/// </summary>
public class ReadAheadTests
{
    private const string Names = "{\"ActionStatus\":\"OK\",\"ErrorInfo\":\"\",\"ErrorCode\":0,\"AttrNames\":{\"0\":\"city\"}}";

    private sealed class Gated : IDisposable
    {
        public readonly TaskCompletionSource<bool> NamesGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly CancellationTokenSource CtrlC = new();
        public readonly StubHttpHandler Stub;
        public readonly ImConnection Connection;
        public readonly CollectingSink<UserAttributes> Sink = new();
        public readonly BatchEngine<SetItem, UserAttributes> Engine;
        public readonly ItemIntake<SetItem, UserAttributes> Intake;

        public Gated(int maxReadAhead = 10_000, StubResponse? namesAnswer = null)
        {
            Stub = new StubHttpHandler
            {
                Responder = r => r.Api == "im_get_attr_name"
                    ? namesAnswer is { } answer ? new StubResponse { Gate = NamesGate.Task, Body = answer.Body, Status = answer.Status } : new StubResponse { Gate = NamesGate.Task, Body = Names }
                    : StubResponse.Ok(),
            };
            Connection = TestConnections.Open(Stub);
            var options = new EngineOptions { MaxReadAhead = maxReadAhead };
            Engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(Connection), options, Sink, cancellationToken: CtrlC.Token);
            Intake = new ItemIntake<SetItem, UserAttributes>(Engine, null, new RegisteredNameCheck(Connection, CtrlC.Token), options.MaxReadAhead);
        }

        public int NameReads => Stub.Requests.Count(r => r.Api == "im_get_attr_name");

        public string[] UsersSent => Stub.Requests.Where(r => r.Api == "im_set_attr").SelectMany(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("UserAttrs").EnumerateArray().Select(u => u.GetProperty("To_Account").GetString()!)).ToArray();

        public void Dispose()
        {
            NamesGate.TrySetResult(true);
            Engine.Dispose();
            Connection.Dispose();
            CtrlC.Dispose();
        }
    }

    private sealed class StopOnFailure : IEngineSink<UserAttributes>
    {
        public void OnResult(UserAttributes result) { }
        public void OnFailure(ItemFailure failure) => throw new StopRequestedException(failure.Exception);
        public void OnVerbose(string line) { }
        public void OnProgress(ProgressReport report) { }
    }

    private static ItemOutcome<SetItem> Row(string user, string name = "city") => Items.Set(user, new Hashtable { [name] = "Rome" }, ImService.AllMemberPush);

    private static string U(int i) => $"u{i:D3}";

    [Fact]
    public void Items_read_while_the_names_are_on_the_wire_are_held_unsent_then_go_in_input_order()
    {
        using var run = new Gated();
        for (var i = 0; i < 250; i++)
        {
            run.Intake.Take(i == 120 ? Row("") : Row(U(i)));
        }

        // The pipeline was not held up: every item is read, one names read is out, nothing is sent.
        Assert.Equal(250, run.Engine.ReadAhead.Count);
        Assert.Empty(run.UsersSent);
        Assert.Equal(0, run.Engine.PendingItems);

        run.NamesGate.SetResult(true);
        run.Intake.Complete();

        Assert.Equal(1, run.NameReads);
        var expected = Enumerable.Range(0, 250).Where(i => i != 120).Select(U).ToArray();
        Assert.Equal(expected.OrderBy(u => u, StringComparer.Ordinal), run.UsersSent.OrderBy(u => u, StringComparer.Ordinal));
        // Written in input order, the rejected item in its place.
        Assert.Equal(expected.Take(120), run.Sink.Outcomes.Take(120).Cast<UserAttributes>().Select(r => r.UserId));
        Assert.Equal(ErrorIds.UserIdEmpty, Assert.IsType<ItemFailure>(run.Sink.Outcomes[120]).ErrorId);
        Assert.Equal(expected.Skip(120), run.Sink.Outcomes.Skip(121).Cast<UserAttributes>().Select(r => r.UserId));
        var summary = run.Engine.Summary("Set-ImUserAttribute", stopped: false);
        Assert.Equal(250, summary.Users);
        Assert.Equal(249, summary.Done);
        Assert.Equal(0, summary.StoppedBeforeSending);
    }

    [Fact]
    public async Task At_its_limit_the_read_ahead_waits_for_the_names_and_sends_nothing_before()
    {
        using var run = new Gated(maxReadAhead: 50);
        var reading = Task.Run(() =>
        {
            for (var i = 0; i < 60; i++) run.Intake.Take(Row(U(i)));
        });

        // The 50th item makes the pipeline wait for the answer: the gate is shut until released below, so the reader
        // stays there however long it is given.
        Assert.True(SpinWait.SpinUntil(() => run.Engine.ReadAhead.Count == 50, TimeSpan.FromSeconds(30)));
        Assert.NotSame(reading, await Task.WhenAny(reading, Task.Delay(200)));
        Assert.Equal(50, run.Engine.ReadAhead.Count);
        Assert.Empty(run.UsersSent);

        run.NamesGate.SetResult(true);
        await reading.WaitAsync(TimeSpan.FromSeconds(30));
        run.Intake.Complete();
        Assert.Equal(Enumerable.Range(0, 60).Select(U), run.UsersSent.OrderBy(u => u, StringComparer.Ordinal));
        Assert.Equal(1, run.NameReads);
    }

    [Fact]
    public void A_typo_in_the_first_row_read_ahead_stops_the_run_before_anything_is_sent_and_counts_every_row_read()
    {
        using var run = new Gated();
        run.Intake.Take(Row(U(0), "Ctiy"));
        for (var i = 1; i < 300; i++) run.Intake.Take(Row(U(i), "Ctiy"));
        run.NamesGate.SetResult(true);

        var stop = Assert.Throws<ImRunStoppedException>(() => run.Intake.Complete());

        Assert.Equal(ErrorIds.AttributeNameNotRegistered, stop.ErrorId);
        Assert.Contains("Did you mean 'city'?", stop.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { U(0) }, stop.Failed);
        Assert.Empty(run.UsersSent);
        Assert.Equal(Enumerable.Range(1, 299).Select(U), stop.NotSent);
        var summary = run.Engine.Summary("Set-ImUserAttribute", stopped: true);
        Assert.Equal(300, summary.Users);
        Assert.Equal(299, summary.StoppedBeforeSending);
        Assert.Equal(1, summary.Failed);
    }

    [Fact]
    public void A_later_typo_stops_where_it_is_as_without_the_read_ahead_and_the_rows_read_after_it_are_not_sent()
    {
        using var run = new Gated();
        for (var i = 0; i < 200; i++) run.Intake.Take(Row(U(i), i == 150 ? "Ctiy" : "city"));
        run.NamesGate.SetResult(true);

        var stop = Assert.Throws<ImRunStoppedException>(() => run.Intake.Complete());

        Assert.Equal(new[] { U(150) }, stop.Failed);
        // The first 100 went as a call when the 100th was gathered (it may have gone out or not before the stop: both
        // are accounted for); the 50 gathered after it and the 49 read after the typo are never sent.
        Assert.True(run.UsersSent.Length is 0 or 100);
        Assert.Equal(200, stop.DoneBeforeStop + stop.Applied.Count + stop.NotSent.Count + stop.Failed.Count);
        Assert.All(Enumerable.Range(100, 50).Concat(Enumerable.Range(151, 49)), i => Assert.Contains(U(i), stop.NotSent));
        Assert.Equal(200, run.Engine.Summary("Set-ImUserAttribute", stopped: true).Users);
    }

    [Fact]
    public void A_failed_names_read_stops_the_run_once_and_is_not_read_again()
    {
        using var run = new Gated(namesAnswer: StubResponse.Fail(70001, "UserSig expired"));
        for (var i = 0; i < 120; i++) run.Intake.Take(Row(U(i)));
        run.NamesGate.SetResult(true);

        var stop = Assert.Throws<ImRunStoppedException>(() => run.Intake.Complete());

        Assert.Equal("ImApiError70001", stop.ErrorId);
        Assert.Empty(run.UsersSent);
        Assert.Equal(Enumerable.Range(1, 119).Select(U), stop.NotSent);
        // One read, and its renewal of the UserSig (70001) at most: never one read per item held.
        Assert.InRange(run.NameReads, 1, 2);
    }

    [Fact]
    public async Task Ctrl_C_while_the_pipeline_waits_for_the_names_counts_every_item_read_as_not_sent()
    {
        using var run = new Gated(maxReadAhead: 40);
        var reading = Task.Run(() =>
        {
            for (var i = 0; i < 60; i++) run.Intake.Take(Row(U(i)));
        });
        Assert.True(SpinWait.SpinUntil(() => run.Engine.ReadAhead.Count == 40, TimeSpan.FromSeconds(30)));
        Assert.NotSame(reading, await Task.WhenAny(reading, Task.Delay(200)));

        run.CtrlC.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        var stop = run.Engine.Interrupted();
        Assert.NotNull(stop);
        Assert.Equal(Enumerable.Range(0, 40).Select(U), stop!.NotSent);
        Assert.Empty(run.UsersSent);
        var summary = run.Engine.Summary("Set-ImUserAttribute", stopped: true);
        Assert.Equal(40, summary.Users);
        Assert.Equal(40, summary.StoppedBeforeSending);
    }

    [Fact]
    public void A_rejected_row_held_when_the_run_stops_counts_as_failed_under_its_own_error()
    {
        using var run = new Gated();
        run.Intake.Take(Row(U(0), "Ctiy"));
        run.Intake.Take(Row(U(1)));
        run.Intake.Take(Items.Set(U(2), new Hashtable(), ImService.AllMemberPush));
        run.Intake.Take(Row(U(3)));
        run.NamesGate.SetResult(true);

        var stop = Assert.Throws<ImRunStoppedException>(() => run.Intake.Complete());

        Assert.Equal(new[] { U(0), U(2) }, stop.Failed);
        Assert.Equal(new[] { U(1), U(3) }, stop.NotSent);
        var summary = run.Engine.Summary("Set-ImUserAttribute", stopped: true);
        Assert.Equal(4, summary.Users);
        Assert.Equal(2, summary.Failed);
        Assert.Equal(2, summary.StoppedBeforeSending);
        Assert.Equal(stop.NotSent.Count, summary.StoppedBeforeSending);
    }

    [Fact]
    public void ErrorAction_Stop_on_a_rejected_row_met_as_the_held_rows_go_in_counts_every_row_once()
    {
        var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHttpHandler
        {
            Responder = r => r.Api == "im_get_attr_name" ? new StubResponse { Gate = gate.Task, Body = Names } : StubResponse.Ok(),
        };
        using var connection = TestConnections.Open(stub);
        using var engine = new BatchEngine<SetItem, UserAttributes>(BulkOperations.Set(connection), new EngineOptions(), new StopOnFailure());
        var intake = new ItemIntake<SetItem, UserAttributes>(engine, null, new RegisteredNameCheck(connection), 10_000);
        for (var i = 0; i < 300; i++) intake.Take(i == 150 ? Row("") : Row(U(i)));
        gate.SetResult(true);

        var stop = Assert.Throws<ImRunStoppedException>(() => intake.Complete());

        Assert.True(stop.ByCaller);
        var summary = engine.Summary("Set-ImUserAttribute", stopped: true);
        Assert.Equal(300, summary.Users);
        Assert.Equal(300, summary.Done + summary.Failed + summary.OutcomeUnknown + summary.StoppedBeforeSending);
        // Where the stop comes depends on when the rejected row's batch is written (its call is answered on another
        // thread); whatever that moment, each named user was sent or is listed as not sent, never both.
        var sent = stub.Requests.Where(r => r.Api == "im_set_attr").SelectMany(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("UserAttrs").EnumerateArray().Select(u => u.GetProperty("To_Account").GetString()!)).ToList();
        Assert.Empty(sent.Intersect(stop.NotSent));
        Assert.Equal(Enumerable.Range(0, 300).Where(i => i != 150).Select(U), sent.Concat(stop.NotSent).OrderBy(u => u, StringComparer.Ordinal));
    }

    [Fact]
    public void Remove_reads_ahead_too_and_sends_nothing_before_the_names_come()
    {
        var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stub = new StubHttpHandler
        {
            Responder = r => r.Api == "im_get_attr_name" ? new StubResponse { Gate = gate.Task, Body = Names } : StubResponse.Ok(),
        };
        using var connection = TestConnections.Open(stub);
        var sink = new CollectingSink<RemovedUserAttributes>();
        using var engine = new BatchEngine<RemoveItem, RemovedUserAttributes>(BulkOperations.Remove(connection), new EngineOptions(), sink);
        var intake = new ItemIntake<RemoveItem, RemovedUserAttributes>(engine, null, new RegisteredNameCheck(connection), 10_000);
        for (var i = 0; i < 150; i++) intake.Take(RemoveItem.Read(PipelineRecord.ForUserId(U(i)), new[] { "city" }, ImService.AllMemberPush));

        Assert.Equal(150, engine.ReadAhead.Count);
        Assert.DoesNotContain(stub.Requests, r => r.Api == "im_remove_attr");
        gate.SetResult(true);
        intake.Complete();
        Assert.Equal(2, stub.Requests.Count(r => r.Api == "im_remove_attr"));
        Assert.Equal(Enumerable.Range(0, 150).Select(U), sink.Results.Select(r => r.UserId));
    }

    [Fact]
    public void A_run_that_ends_while_items_are_held_counts_them_as_read_and_not_sent()
    {
        // The command ended another way (a later command of the pipeline failed) while the names were on the wire.
        using var run = new Gated();
        for (var i = 0; i < 30; i++) run.Intake.Take(Row(U(i)));
        var summary = run.Engine.Summary("Set-ImUserAttribute", stopped: true);
        Assert.Equal(30, summary.Users);
        Assert.Equal(30, summary.StoppedBeforeSending);
    }
}
