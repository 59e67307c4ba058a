using System.Text.Json;
using System.Text.Json.Nodes;

namespace TencentImAttr.Emulator;

/// <summary>
/// The emulated attribute API, without sockets: a call goes in as (path, query, body) and comes out as an
/// <see cref="EmulatorResponse"/>. Order of events for a call: route, injected fault, query checks (random,
/// contenttype, sdkappid, UserSig, administrator), quota, body, then the operation, applied all or nothing.
/// </summary>
internal sealed partial class EmulatedImService
{
    private readonly EmulatorOptions _options;
    private readonly RequestAuthenticator _authenticator;
    private readonly CallQuota _quota;
    private readonly FaultInjector _faults;
    private readonly Random _order;
    private readonly AttributeStore _store;
    private readonly IEmulatorClock _clock;
    // Calls struck by LateApply, in arrival order, until they land; guarded by the store's lock, so that a call
    // landing and a call being answered never interleave (a read sees a due stale call either landed or not yet due).
    private readonly List<HeldCall> _held = new();

    /// <summary>Creates the service; <paramref name="store"/> carries loaded state, else it starts empty.</summary>
    public EmulatedImService(EmulatorOptions options, IEmulatorClock? clock = null, AttributeStore? store = null)
    {
        _options = options;
        clock ??= EmulatorSystemClock.Instance;
        _clock = clock;
        _authenticator = new RequestAuthenticator(options, clock);
        _quota = new CallQuota(options.Quota, clock);
        // Two streams from one seed: the faults drawn then do not depend on how many users a get answered.
        _faults = new FaultInjector(options.FailRate, options.Seed is { } seed ? new Random(seed) : new Random(), options.Faults, options.MaxFaults, options.FaultApis);
        _order = options.Seed is { } s ? new Random(unchecked(s * 31 + 7)) : new Random();
        _store = store ?? new AttributeStore();
    }

    /// <summary>Receives one line per call (API, outcome), for --verbose.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>Handles one call.</summary>
    /// <param name="path">The URL path, e.g. <c>/v4/all_member_push/im_set_attr</c>.</param>
    /// <param name="query">The query parameters (names are case-sensitive).</param>
    /// <param name="body">The request body.</param>
    public EmulatorResponse Handle(string path, IReadOnlyDictionary<string, string> query, byte[] body)
    {
        // Stale calls that are due land before anything else is answered.
        LandDueCalls();
        var route = ApiRoute.Find(path);
        if (route is null)
        {
            Log?.Invoke($"{path}: unknown API, HTTP 404");
            return EmulatorResponse.Http(404, "Not Found");
        }

        var fault = _faults.Next(route.ApiName);
        if (fault == InjectedFault.LateApply) return Hold(route, query, body);
        if (fault == InjectedFault.LostWrite && route.WritesUsers) return Lose(route, query, body);
        if (fault is InjectedFault.None or InjectedFault.LostWrite)
        {
            var response = Answer(route, query, body);
            Log?.Invoke($"{route.ApiName}: {Describe(response)}");
            return response;
        }
        if (Instead(fault) is { } instead)
        {
            Log?.Invoke($"{route.ApiName}: injected {fault}, nothing applied");
            return instead;
        }
        var applied = Answer(route, query, body);
        Log?.Invoke($"{route.ApiName}: {Describe(applied)}, then injected {fault}");
        return After(fault, applied);
    }

    /// <summary>
    /// Lands every held call that is due (<see cref="InjectedFault.LateApply"/>), in arrival order, as the service
    /// would have applied it; returns how many landed. Called before each call is handled, and by the host's timer.
    /// </summary>
    public int LandDueCalls()
    {
        lock (_store)
        {
            var now = _clock.Elapsed;
            var due = _held.Where(h => h.Due <= now).ToList();
            if (due.Count == 0) return 0;
            _held.RemoveAll(h => h.Due <= now);
            foreach (var call in due)
            {
                try
                {
                    using var doc = RequestBodies.Parse(call.Body);
                    Execute(call.Route, doc.RootElement);
                    Log?.Invoke($"{call.Route.ApiName}: held call applied late (LateApply)");
                }
                catch (ApiError e)
                {
                    Log?.Invoke($"{call.Route.ApiName}: held call refused when applied late: {e.Code}");
                }
            }
            return due.Count;
        }
    }

    /// <summary>Calls held by <see cref="InjectedFault.LateApply"/> that have not landed yet.</summary>
    public int HeldCalls
    {
        get { lock (_store) return _held.Count; }
    }

    /// <summary>
    /// LateApply: the call is admitted as the service would admit it (UserSig, quota, a readable body) and held
    /// unanswered; it lands <see cref="EmulatorOptions.LateApplyMs"/> later, whatever was written meanwhile.
    /// </summary>
    private EmulatorResponse Hold(ApiRoute route, IReadOnlyDictionary<string, string> query, byte[] body)
    {
        if (Admit(route, query, body) is { } refused) return refused;
        lock (_store) _held.Add(new HeldCall(_clock.Elapsed + TimeSpan.FromMilliseconds(_options.LateApplyMs), route, body));
        Log?.Invoke($"{route.ApiName}: injected LateApply, held unanswered; it lands in {_options.LateApplyMs} ms");
        return EmulatorResponse.Stalled;
    }

    /// <summary>LostWrite: the write is admitted and answered OK, and nothing is applied.</summary>
    private EmulatorResponse Lose(ApiRoute route, IReadOnlyDictionary<string, string> query, byte[] body)
    {
        if (Admit(route, query, body) is { } refused) return refused;
        Log?.Invoke($"{route.ApiName}: injected LostWrite, answered OK, nothing applied");
        return EmulatorResponse.Json(ResponseBodies.Ok());
    }

    /// <summary>The checks a call passes before it is executed; null when it passes, else the answer that refuses it.</summary>
    private EmulatorResponse? Admit(ApiRoute route, IReadOnlyDictionary<string, string> query, byte[] body)
    {
        try
        {
            _authenticator.Check(query);
            CheckQuota(route);
            using var doc = RequestBodies.Parse(body);
            return null;
        }
        catch (ApiError e)
        {
            return EmulatorResponse.Json(ResponseBodies.Fail(e.Code, e.Info));
        }
    }

    private void CheckQuota(ApiRoute route)
    {
        if (!_quota.TryAcquire(route.ApiName))
        {
            throw new ApiError(EmulatorCodes.RateLimited, $"{route.ApiName} was called more than {_options.Quota} times in one second: slow down");
        }
    }

    /// <summary>A call held by LateApply: when it lands, and what it does.</summary>
    private sealed record HeldCall(TimeSpan Due, ApiRoute Route, byte[] Body);

    /// <summary>The kinds of fault that answer in place of the call, which is then not applied; null for the others.</summary>
    private static EmulatorResponse? Instead(InjectedFault fault) => fault switch
    {
        InjectedFault.InternalError => EmulatorResponse.Json(ResponseBodies.Fail(EmulatorCodes.InternalError, "internal error (injected by the emulator): retry")),
        InjectedFault.RateLimited => EmulatorResponse.Json(ResponseBodies.Fail(EmulatorCodes.RateLimited, "rate limited (injected by the emulator): slow down")),
        InjectedFault.BadGateway => EmulatorResponse.Http(502, "Bad Gateway"),
        InjectedFault.HtmlPage => EmulatorResponse.Page("<!DOCTYPE html><html><body>Service Unavailable</body></html>"),
        InjectedFault.EmptyBody => EmulatorResponse.Json(Array.Empty<byte>()),
        InjectedFault.WrongShape => EmulatorResponse.Json("""{"result":"ok","items":[]}"""u8.ToArray()),
        InjectedFault.OkWithErrorCode => EmulatorResponse.Json("""{"ActionStatus":"OK","ErrorInfo":"internal error (injected by the emulator)","ErrorCode":70500}"""u8.ToArray()),
        _ => null,
    };

    /// <summary>What the client gets of a call that was applied: nothing, half of it, or an answer short of one user.</summary>
    private static EmulatorResponse After(InjectedFault fault, EmulatorResponse applied) => fault switch
    {
        InjectedFault.DropConnection => EmulatorResponse.Dropped,
        InjectedFault.Stall => EmulatorResponse.Stalled,
        InjectedFault.Truncate => EmulatorResponse.Json(applied.Body[..(applied.Body.Length / 2)]),
        InjectedFault.MissingUser => WithoutFirstUser(applied),
        _ => throw new InvalidOperationException($"No handling for the injected fault {fault}."),
    };

    /// <summary>A get answer (get_attr, get_tag) without the first user of its UserAttrs or UserTags; any other answer as it is.</summary>
    private static EmulatorResponse WithoutFirstUser(EmulatorResponse answer)
    {
        if (answer.Status != 200 || JsonNode.Parse(answer.Body) is not JsonObject root || (root["UserAttrs"] ?? root["UserTags"]) is not JsonArray { Count: > 0 } users)
        {
            return answer;
        }
        users.RemoveAt(0);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            root.WriteTo(writer);
        }
        return EmulatorResponse.Json(buffer.ToArray());
    }

    /// <summary>How many faults of each kind were injected so far.</summary>
    public IReadOnlyDictionary<InjectedFault, int> InjectedFaults => _faults.Injected;

    /// <summary>A user's attributes as get_attr would answer them.</summary>
    public Dictionary<string, string> AttributesOf(string user)
    {
        lock (_store) return _store.Get(user);
    }

    /// <summary>A user's tags as get_tag would answer them.</summary>
    public List<string> TagsOf(string user)
    {
        lock (_store) return _store.Tags.Get(user);
    }

    /// <summary>The registered names by slot.</summary>
    public IReadOnlyList<string> RegisteredNames()
    {
        lock (_store) return _store.Names.Select(n => n.Name).ToList();
    }

    /// <summary>Writes the state to <paramref name="path"/>.</summary>
    public void SaveState(string path)
    {
        lock (_store) _store.Save(path);
    }

    private EmulatorResponse Answer(ApiRoute route, IReadOnlyDictionary<string, string> query, byte[] body)
    {
        try
        {
            _authenticator.Check(query);
            CheckQuota(route);
            using var doc = RequestBodies.Parse(body);
            // One lock for the whole store: calls are applied one at a time, all or nothing, like a transaction.
            lock (_store)
            {
                return EmulatorResponse.Json(Execute(route, doc.RootElement));
            }
        }
        catch (ApiError e)
        {
            return EmulatorResponse.Json(ResponseBodies.Fail(e.Code, e.Info));
        }
    }

    private byte[] Execute(ApiRoute route, JsonElement root) => route.Operation switch
    {
        ApiOperation.SetAttributes => SetAttributes(route, root),
        ApiOperation.GetAttributes => GetAttributes(route, root),
        ApiOperation.RemoveAttributes => RemoveAttributes(route, root),
        ApiOperation.GetAttributeNames => ResponseBodies.Ok(ResponseBodies.AttrNames(_store.Names.ToList(), route.Family == ApiFamily.Push)),
        ApiOperation.SetAttributeNames => SetAttributeNames(route, root),
        ApiOperation.AddTags => AddTags(route, root),
        ApiOperation.GetTags => GetTags(route, root),
        ApiOperation.RemoveTags => RemoveTags(route, root),
        ApiOperation.ClearTags => ClearTags(route, root),
        _ => throw new InvalidOperationException($"No handler for {route.Operation}."),
    };

    private byte[] SetAttributes(ApiRoute route, JsonElement root)
    {
        var entries = RequestBodies.ReadSet(root, route.Limits);
        foreach (var entry in entries)
        {
            foreach (var pair in entry.Values)
            {
                CheckRegistered(pair.Key, entry.User);
                var bytes = FamilyLimits.Bytes(pair.Value);
                if (bytes > route.Limits.ValueBytes)
                {
                    throw new ApiError(EmulatorCodes.InvalidAttribute, $"user '{entry.User}': the value of '{pair.Key}' is {bytes} bytes; the limit is {route.Limits.ValueBytes}");
                }
            }
        }
        // Every check before the first change: a call that fails, fails whole.
        var outcomes = entries.Select(e => (Entry: e, Failure: AccountFailure(route, e.User) ?? AccountTypeFailure(route, e.User, e.Values.Keys))).ToList();
        foreach (var (entry, failure) in outcomes)
        {
            if (failure is null) _store.Set(entry.User, entry.Values);
        }
        return ResponseBodies.Ok(errorList: Failures(outcomes.Select(o => o.Failure)));
    }

    private byte[] GetAttributes(ApiRoute route, JsonElement root)
    {
        var users = RequestBodies.ReadGet(root, route.Limits).Distinct(StringComparer.Ordinal).ToList();
        var failures = new List<UserFailure>();
        var found = new List<(string, IReadOnlyDictionary<string, string>)>();
        foreach (var user in users)
        {
            var failure = AccountFailure(route, user);
            if (failure is not null) failures.Add(failure);
            else found.Add((user, _store.Get(user)));
        }
        return ResponseBodies.Ok(ResponseBodies.UserAttrs(NotInRequestOrder(found)), failures);
    }

    private byte[] RemoveAttributes(ApiRoute route, JsonElement root)
    {
        var entries = RequestBodies.ReadRemove(root, route.Limits);
        foreach (var entry in entries)
        {
            foreach (var name in entry.Names) CheckRegistered(name, entry.User);
        }
        var outcomes = entries.Select(e => (Entry: e, Failure: AccountFailure(route, e.User))).ToList();
        foreach (var (entry, failure) in outcomes)
        {
            if (failure is null) _store.Remove(entry.User, entry.Names);
        }
        return ResponseBodies.Ok(errorList: Failures(outcomes.Select(o => o.Failure)));
    }

    private byte[] SetAttributeNames(ApiRoute route, JsonElement root)
    {
        var registration = RequestBodies.ReadSetNames(root, withTypes: route.Family == ApiFamily.Push, route.Limits);
        _store.SetNames(registration.Names, registration.Types);
        return ResponseBodies.Ok();
    }

    private static List<UserFailure> Failures(IEnumerable<UserFailure?> failures) => failures.OfType<UserFailure>().ToList();

    private void CheckRegistered(string name, string user)
    {
        if (!_store.IsRegistered(name))
        {
            throw new ApiError(EmulatorCodes.InvalidAttribute, $"user '{user}': the attribute '{name}' is not registered for this app (set it with set_attr_name first)");
        }
    }

    /// <summary>
    /// Whether the account can be used. The IM family accepts every well-formed UserID (it has no ErrorList to report
    /// one user in, and the emulator does not model account import); the Push family reports accounts that do not
    /// exist, per user, with 70107: those over 32 bytes that are not RegistrationIDs, and those with the configured prefix.
    /// </summary>
    private UserFailure? AccountFailure(ApiRoute route, string user)
    {
        var isPush = route.Family == ApiFamily.Push;
        if (!route.Limits.AcceptsAccount(user))
        {
            if (!isPush) throw new ApiError(EmulatorCodes.BadJson, $"To_Account '{user}' is {FamilyLimits.Bytes(user)} bytes; a UserID is at most {route.Limits.UserIdBytes}");
            return new UserFailure(user, EmulatorCodes.AccountNotFound, "the account does not exist");
        }
        if (isPush && _options.UnknownUserPrefix is { } prefix && user.StartsWith(prefix, StringComparison.Ordinal))
        {
            return new UserFailure(user, EmulatorCodes.AccountNotFound, "the account does not exist");
        }
        return null;
    }

    /// <summary>On the Push family, an attribute registered for one account type (0 UserID, 1 RegistrationID) refuses the other.</summary>
    private UserFailure? AccountTypeFailure(ApiRoute route, string user, IEnumerable<string> names)
    {
        if (route.Family != ApiFamily.Push) return null;
        var type = FamilyLimits.IsRegistrationId(user) ? 1 : 0;
        foreach (var name in names)
        {
            if (_store.TypeOf(name) is { } required && required != type)
            {
                return new UserFailure(user, EmulatorCodes.WrongAccountType, $"the attribute '{name}' applies to {(required == 1 ? "RegistrationIDs" : "UserIDs")} only");
            }
        }
        return null;
    }

    /// <summary>
    /// The real service does not answer in request order (its documented example does not), so neither does the
    /// emulator: a client that pairs answers with requests by position fails here, not in production.
    /// </summary>
    private List<T> NotInRequestOrder<T>(List<T> items)
    {
        var shuffled = new List<T>(items);
        lock (_order)
        {
            for (var i = shuffled.Count - 1; i > 0; i--)
            {
                var j = _order.Next(i + 1);
                (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
            }
        }
        // A shuffle can leave the order as it was; then move the first to the end, so the order always changes.
        if (shuffled.Count > 1 && shuffled.SequenceEqual(items))
        {
            shuffled.Add(shuffled[0]);
            shuffled.RemoveAt(0);
        }
        return shuffled;
    }

    private static string Describe(EmulatorResponse response)
    {
        if (response.Status != 200) return $"HTTP {response.Status}";
        using var doc = JsonDocument.Parse(response.Body);
        var root = doc.RootElement;
        var code = root.GetProperty("ErrorCode").GetInt32();
        if (code != 0) return $"FAIL {code}: {root.GetProperty("ErrorInfo").GetString()}";
        return root.TryGetProperty("ErrorList", out var list) ? $"OK with {list.GetArrayLength()} user error(s)" : "OK";
    }
}
