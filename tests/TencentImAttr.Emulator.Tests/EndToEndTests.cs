using System.Collections;
using System.Text;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Operations;

namespace TencentImAttr.Emulator.Tests;

/// <summary>
/// The real core client against the emulator on a loopback port: the connection signs, the engine batches, the
/// operations pair answers with requests by user; the emulator checks all of it as the service would.
/// </summary>
public sealed class EndToEndTests
{
    private const string Key = "end-to-end-test-key";
    private const int Users = 350;

    private static EmulatorOptions Options(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { Port = 0, SecretKey = Key, Seed = 2024 };
        configure?.Invoke(options);
        return options;
    }

    private static ImConnection Connect(RunningEmulator emulator, ImService service = ImService.AllMemberPush) =>
        ImConnection.Open(new ImConnectionSettings
        {
            SdkAppId = 1400000000,
            Identifier = "administrator",
            SecretKey = Encoding.UTF8.GetBytes(Key),
            BaseUri = emulator.Url,
            Service = service,
        });

    private static string UserId(int i) => $"user{i:D4}";

    [Fact]
    public async Task The_emulator_listens_on_loopback_at_the_reported_port()
    {
        await using var emulator = await EmulatorHost.StartAsync(Options());

        Assert.Equal("127.0.0.1", emulator.Url.Host);
        Assert.NotEqual(0, emulator.Url.Port);
        Assert.Equal("/", emulator.Url.AbsolutePath);
    }

    [Fact]
    public async Task Names_set_through_the_core_are_read_back()
    {
        await using var emulator = await EmulatorHost.StartAsync(Options());
        using var connection = Connect(emulator);

        await AppAttributeNames.SetAsync(connection, AppAttributeNames.BuildRequest(new[] { "city", "tier" }, null, connection.Service), null, CancellationToken.None);
        var names = await AppAttributeNames.GetAsync(connection, null, CancellationToken.None);

        Assert.Equal(new[] { (0, "city"), (1, "tier") }, names.Select(n => (n.Slot, n.Name)));
    }

    [Theory]
    [InlineData(ImService.AllMemberPush)]
    [InlineData(ImService.Push)]
    public async Task Set_get_remove_get_for_hundreds_of_users(ImService service)
    {
        await using var emulator = await EmulatorHost.StartAsync(Options());
        using var connection = Connect(emulator, service);
        await AppAttributeNames.SetAsync(connection, AppAttributeNames.BuildRequest(new[] { "city", "tier" }, null, service), null, CancellationToken.None);
        var expected = Enumerable.Range(0, Users).ToDictionary(UserId, i => new Dictionary<string, string> { ["city"] = "城市" + i, ["tier"] = (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var set = await RunAsync(BulkOperations.Set(connection), expected.Select(p => Items.Set(p.Key, new Hashtable(p.Value), service)));
        Assert.Empty(set.Failures);
        Assert.Equal(expected.Keys, set.Results.Select(r => r.UserId));

        var got = await RunAsync(BulkOperations.Get(connection), expected.Keys.Select(u => Items.Get(u, service)));
        Assert.Empty(got.Failures);
        Assert.Equal(expected.Keys, got.Results.Select(r => r.UserId));   // the engine restores input order
        Assert.All(got.Results, r => Assert.Equal(expected[r.UserId], r.Attributes));

        var removed = await RunAsync(BulkOperations.Remove(connection), expected.Keys.Select(u => Items.Remove(u, new[] { "city" }, service)));
        Assert.Empty(removed.Failures);
        Assert.Equal(Users, removed.Results.Count);

        var after = await RunAsync(BulkOperations.Get(connection), expected.Keys.Select(u => Items.Get(u, service)));
        Assert.Empty(after.Failures);
        Assert.All(after.Results, r => Assert.Equal(new Dictionary<string, string> { ["tier"] = expected[r.UserId]["tier"] }, r.Attributes));

        await RunAsync(BulkOperations.Remove(connection), expected.Keys.Select(u => Items.Remove(u, new[] { "tier" }, service)));
        var empty = await RunAsync(BulkOperations.Get(connection), expected.Keys.Take(150).Select(u => Items.Get(u, service)));
        Assert.All(empty.Results, r => Assert.Empty(r.Attributes));
    }

    [Fact]
    public async Task Unknown_push_accounts_fail_one_by_one_with_their_own_error_id()
    {
        await using var emulator = await EmulatorHost.StartAsync(Options(o => o.UnknownUserPrefix = "ghost"));
        using var connection = Connect(emulator, ImService.Push);
        await AppAttributeNames.SetAsync(connection, AppAttributeNames.BuildRequest(new[] { "city" }, null, ImService.Push), null, CancellationToken.None);
        var users = Enumerable.Range(0, 250).Select(i => i % 10 == 0 ? $"ghost{i}" : UserId(i)).ToList();

        var set = await RunAsync(BulkOperations.Set(connection), users.Select(u => Items.Set(u, new Hashtable { ["city"] = "Lyon" }, ImService.Push)));

        Assert.Equal(25, set.Failures.Count);
        Assert.All(set.Failures, f =>
        {
            Assert.Equal("ImApiError70107", f.ErrorId);
            Assert.StartsWith("ghost", (string)f.TargetObject!, StringComparison.Ordinal);
        });
        Assert.Equal(225, set.Results.Count);
        Assert.Equal("Lyon", emulator.Service.AttributesOf(UserId(1))["city"]);
    }

    [Fact]
    public async Task Unregistered_names_come_back_as_90033_for_every_user_of_the_call()
    {
        await using var emulator = await EmulatorHost.StartAsync(Options());
        using var connection = Connect(emulator);
        await AppAttributeNames.SetAsync(connection, AppAttributeNames.BuildRequest(new[] { "city" }, null, connection.Service), null, CancellationToken.None);

        var set = await RunAsync(BulkOperations.Set(connection), new[] { Items.Set("alice", new Hashtable { ["color"] = "red" }, connection.Service) });

        Assert.Equal("ImApiError90033", Assert.Single(set.Failures).ErrorId);
    }

    [Fact]
    public async Task With_one_call_in_five_failing_every_user_ends_done_or_reported()
    {
        await using var emulator = await EmulatorHost.StartAsync(Options(o => o.FailRate = 0.2));
        using var connection = Connect(emulator);
        // The names call may be among the failures too: the client retries it like any other.
        await AppAttributeNames.SetAsync(connection, AppAttributeNames.BuildRequest(new[] { "city" }, null, connection.Service), null, CancellationToken.None);
        var users = Enumerable.Range(0, Users).Select(UserId).ToList();

        var set = await RunAsync(BulkOperations.Set(connection), users.Select(u => Items.Set(u, new Hashtable { ["city"] = "v-" + u }, connection.Service)),
            new EngineOptions { BatchSize = 25 });

        var accounted = set.Results.Select(r => r.UserId).Concat(set.Failures.Select(f => (string)f.TargetObject!)).Order(StringComparer.Ordinal);
        Assert.Equal(users, accounted);
        Assert.All(set.Failures, f => Assert.True(f.Exception is ImApiException { IsTransient: true }, f.ToString()));
        Assert.All(set.Results, r => Assert.Equal("v-" + r.UserId, emulator.Service.AttributesOf(r.UserId)["city"]));
        Assert.Contains(set.Verbose, l => l.Contains("retry", StringComparison.Ordinal));

        var got = await RunAsync(BulkOperations.Get(connection), users.Select(u => Items.Get(u, connection.Service)), new EngineOptions { BatchSize = 25 });
        Assert.Equal(users, got.Results.Select(r => r.UserId).Concat(got.Failures.Select(f => (string)f.TargetObject!)).Order(StringComparer.Ordinal));
        Assert.All(got.Results.Where(r => set.Results.Any(s => s.UserId == r.UserId)), r => Assert.Equal("v-" + r.UserId, r.Attributes["city"]));
    }

    [Theory]
    [InlineData(nameof(InjectedFault.InternalError), ImFailureKind.Api, "ImApiError91000")]
    [InlineData(nameof(InjectedFault.BadGateway), ImFailureKind.Http, "ImHttpError502")]
    [InlineData(nameof(InjectedFault.DropConnection), ImFailureKind.Transport, "ImConnectionFailed")]
    [InlineData(nameof(InjectedFault.RateLimited), ImFailureKind.Api, "ImApiError60007")]
    [InlineData(nameof(InjectedFault.Stall), ImFailureKind.Timeout, "ImRequestTimeout")]
    [InlineData(nameof(InjectedFault.HtmlPage), ImFailureKind.MalformedResponse, "ImMalformedResponse")]
    [InlineData(nameof(InjectedFault.EmptyBody), ImFailureKind.MalformedResponse, "ImMalformedResponse")]
    [InlineData(nameof(InjectedFault.Truncate), ImFailureKind.MalformedResponse, "ImMalformedResponse")]
    [InlineData(nameof(InjectedFault.WrongShape), ImFailureKind.MalformedResponse, "ImMalformedResponse")]
    [InlineData(nameof(InjectedFault.OkWithErrorCode), ImFailureKind.Api, "ImApiError70500")]
    public async Task Each_injected_fault_reaches_the_client_as_the_transient_failure_it_imitates(string faultName, ImFailureKind kind, string errorId)
    {
        var fault = Enum.Parse<InjectedFault>(faultName);
        // Every call fails with the fault wanted; with no retry allowed, the client shows it as it came.
        await using var emulator = await EmulatorHost.StartAsync(Options(o =>
        {
            o.FailRate = 1;
            o.Faults = new[] { fault };
        }));
        using var connection = ImConnection.Open(new ImConnectionSettings
        {
            SdkAppId = 1400000000,
            Identifier = "administrator",
            SecretKey = Encoding.UTF8.GetBytes(Key),
            BaseUri = emulator.Url,
            MaxRetry = 0,
            // Only the stall is meant to time out; the other faults answer at once, however busy the machine.
            Timeout = fault == InjectedFault.Stall ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(60),
        });

        var e = await Assert.ThrowsAsync<ImApiException>(() => AppAttributeNames.GetAsync(connection, null, CancellationToken.None));

        Assert.Equal(kind, e.Kind);
        Assert.Equal(errorId, e.ErrorId);
        Assert.True(e.IsTransient);
    }

    [Fact]
    public async Task The_state_file_is_saved_on_stop_and_loaded_on_start()
    {
        var path = Path.Combine(Path.GetTempPath(), $"emulator-state-{Guid.NewGuid():N}.json");
        try
        {
            await using (var first = await EmulatorHost.StartAsync(Options(o => o.StateFile = path)))
            {
                using var connection = Connect(first);
                await AppAttributeNames.SetAsync(connection, AppAttributeNames.BuildRequest(new[] { "city" }, null, connection.Service), null, CancellationToken.None);
                await RunAsync(BulkOperations.Set(connection), new[] { Items.Set("alice", new Hashtable { ["city"] = "Shenzhen" }, connection.Service) });
                Assert.False(File.Exists(path));
            }
            Assert.True(File.Exists(path));

            await using var second = await EmulatorHost.StartAsync(Options(o => o.StateFile = path));
            using var again = Connect(second);
            var got = await RunAsync(BulkOperations.Get(again), new[] { Items.Get("alice", again.Service) });
            Assert.Equal("Shenzhen", Assert.Single(got.Results).Attributes["city"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_wrong_key_is_reported_as_the_signature_error()
    {
        await using var emulator = await EmulatorHost.StartAsync(Options());
        using var connection = ImConnection.Open(new ImConnectionSettings
        {
            SdkAppId = 1400000000,
            Identifier = "administrator",
            SecretKey = Encoding.UTF8.GetBytes("not-the-key"),
            BaseUri = emulator.Url,
        });

        var e = await Assert.ThrowsAsync<ImApiException>(() => AppAttributeNames.GetAsync(connection, null, CancellationToken.None));

        Assert.Equal(70005, e.ErrorCode);
    }

    [Fact]
    public async Task Added_latency_delays_the_answers()
    {
        await using var emulator = await EmulatorHost.StartAsync(Options(o => o.LatencyMs = 200));
        using var connection = Connect(emulator);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await AppAttributeNames.GetAsync(connection, null, CancellationToken.None);

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(190), $"answered in {watch.Elapsed.TotalMilliseconds} ms");
    }

    private static Task<CollectingSink<TResult>> RunAsync<TItem, TResult>(IBatchOperation<TItem, TResult> operation, IEnumerable<ItemOutcome<TItem>> items, EngineOptions? options = null)
        where TItem : class
        where TResult : class =>
        // The engine is driven synchronously, as a cmdlet's pipeline thread drives it; keep that off the test's thread.
        Task.Run(() =>
        {
            var sink = new CollectingSink<TResult>();
            using var engine = new BatchEngine<TItem, TResult>(operation, options ?? new EngineOptions(), sink);
            foreach (var item in items)
            {
                if (item.Result is not null) engine.Add(item.Result);
                else engine.AddFailure(item.Failure!);
            }
            engine.Complete();
            return sink;
        });
}
