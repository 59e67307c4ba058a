using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;

namespace TencentImAttr.Testing;

/// <summary>The faults <see cref="FakeAttributeService"/> can inject.</summary>
public enum Fault
{
    /// <summary>FAIL with 91000 (internal error, retry).</summary>
    InternalError,
    /// <summary>FAIL with 60018 (rate limited).</summary>
    RateLimited,
    /// <summary>HTTP 502 with an HTML page.</summary>
    BadGateway,
    /// <summary>The connection is reset after the service applied the change.</summary>
    ResetAfterApply,
    /// <summary>No answer at all after the service applied the change (the client's timeout fires).</summary>
    StallAfterApply,
    /// <summary>200 with an HTML page.</summary>
    HtmlPage,
    /// <summary>200 with an empty body.</summary>
    EmptyBody,
    /// <summary>200 with JSON cut in the middle, after the change was applied.</summary>
    TruncatedAfterApply,
    /// <summary>200 with JSON of another shape (no ActionStatus).</summary>
    WrongShape,
    /// <summary>ActionStatus OK but ErrorCode 70500.</summary>
    OkWithErrorCode,
    /// <summary>im_get_attr (and im_get_tag) leaves out one requested user.</summary>
    MissingUser,
}

/// <summary>
/// An in-memory stand-in for the attribute API behind <see cref="StubHttpHandler.Responder"/>: it keeps users'
/// attributes, answers set/get/remove/get_attr_name/set_attr_name and the four tag calls in both families, and injects faults at a
/// fixed rate from a seeded random source, so that a test can compare the final state with the intended one.
/// </summary>
public sealed class FakeAttributeService
{
    private readonly object _gate = new();
    private readonly Random _random;
    private readonly Dictionary<string, Dictionary<string, string>> _users = new(StringComparer.Ordinal);
    private readonly List<string> _names = new();
    private readonly Dictionary<string, List<string>> _tags = new(StringComparer.Ordinal);
    private int _calls, _faults, _maxUsersInCall, _drawn;

    /// <summary>Creates the fake with a seed for which calls fail.</summary>
    public FakeAttributeService(int seed = 12345) => _random = new Random(seed);

    /// <summary>The fraction of calls that fail (0 to 1).</summary>
    public double FaultRate { get; set; }

    /// <summary>The faults to inject, taken in turn (so that every kind occurs once enough calls fail).</summary>
    public Fault[] Faults { get; set; } = (Fault[])Enum.GetValues(typeof(Fault));

    /// <summary>Users the service does not know: an OK answer names them in an ErrorList with 70107 (partial success).</summary>
    public HashSet<string> UnknownUsers { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, only these attribute names are accepted; others fail the call with 90033.</summary>
    public bool EnforceRegisteredNames { get; set; }

    /// <summary>Calls answered.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Calls that got a fault.</summary>
    public int FaultsInjected => Volatile.Read(ref _faults);

    /// <summary>The most users seen in one call.</summary>
    public int MaxUsersInCall => Volatile.Read(ref _maxUsersInCall);

    /// <summary>The registered attribute names.</summary>
    public IReadOnlyList<string> Names
    {
        get { lock (_gate) return _names.ToList(); }
    }

    /// <summary>Registers names directly (test setup).</summary>
    public void Register(params string[] names)
    {
        lock (_gate)
        {
            _names.Clear();
            _names.AddRange(names);
        }
    }

    /// <summary>A user's attributes now (a copy), or null for a user never set.</summary>
    public Dictionary<string, string>? AttributesOf(string user)
    {
        lock (_gate) return _users.TryGetValue(user, out var a) ? new Dictionary<string, string>(a, StringComparer.Ordinal) : null;
    }

    /// <summary>A user's tags now (a copy), or null for a user never tagged.</summary>
    public List<string>? TagsOf(string user)
    {
        lock (_gate) return _tags.TryGetValue(user, out var t) ? t.ToList() : null;
    }

    /// <summary>The tag calls seen, in the order answered: API, user, tags (for order and part checks).</summary>
    public List<(string Api, string User, string[] Tags)> TagCalls { get; } = new();

    /// <summary>Sets a user's attributes directly (test setup).</summary>
    public void Seed(string user, System.Collections.IDictionary attributes)
    {
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in attributes) copy[entry.Key.ToString()!] = entry.Value?.ToString() ?? "";
        lock (_gate) _users[user] = copy;
    }

    /// <summary>A stub handler answered by this service (what PowerShell tests use: a script block cannot answer on a worker thread).</summary>
    public StubHttpHandler CreateHandler() => new() { Responder = Handle };

    /// <summary>Answers one request.</summary>
    public StubResponse Handle(RecordedRequest request)
    {
        Interlocked.Increment(ref _calls);
        var api = request.Api.StartsWith("im_", StringComparison.Ordinal) ? request.Api.Substring(3) : request.Api;
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(request.Body);
        }
        catch (JsonException)
        {
            return StubResponse.Fail(90001, "bad json");
        }
        Fault? fault = null;
        lock (_gate)
        {
            if (FaultRate > 0 && _random.NextDouble() < FaultRate)
            {
                fault = Faults[_drawn++ % Faults.Length];
            }
        }
        if (fault is not null) Interlocked.Increment(ref _faults);
        switch (fault)
        {
            case Fault.InternalError: return StubResponse.Fail(91000, "internal error");
            case Fault.RateLimited: return StubResponse.Fail(60018, "rate limited");
            case Fault.BadGateway: return StubResponse.Http(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
            case Fault.HtmlPage: return StubResponse.Json("<!DOCTYPE html><html><body>Service Unavailable</body></html>");
            case Fault.EmptyBody: return StubResponse.Json("");
            case Fault.WrongShape: return StubResponse.Json("{\"result\":\"ok\",\"items\":[]}");
            case Fault.OkWithErrorCode: return StubResponse.Json("{\"ActionStatus\":\"OK\",\"ErrorCode\":70500,\"ErrorInfo\":\"internal\"}");
        }
        var answer = Apply(api, body, fault == Fault.MissingUser);
        switch (fault)
        {
            case Fault.ResetAfterApply: return StubResponse.Reset();
            case Fault.StallAfterApply: return StubResponse.Stalled();
            case Fault.TruncatedAfterApply: return StubResponse.Json(answer.Body.Substring(0, answer.Body.Length / 2));
        }
        return answer;
    }

    private StubResponse Apply(string api, JsonNode? body, bool dropOne)
    {
        lock (_gate)
        {
            switch (api)
            {
                case "set_attr":
                {
                    var entries = body?["UserAttrs"]?.AsArray() ?? new JsonArray();
                    if (!CountUsers(entries.Count, out var tooMany)) return tooMany!;
                    var unknown = new List<string>();
                    foreach (var entry in entries)
                    {
                        var attrs = entry!["Attrs"]!.AsObject();
                        if (EnforceRegisteredNames && attrs.Any(a => !_names.Contains(a.Key))) return StubResponse.Fail(90033, "invalid attribute");
                    }
                    foreach (var entry in entries)
                    {
                        var user = (string)entry!["To_Account"]!;
                        if (UnknownUsers.Contains(user)) { unknown.Add(user); continue; }
                        if (!_users.TryGetValue(user, out var current)) _users[user] = current = new Dictionary<string, string>(StringComparer.Ordinal);
                        foreach (var a in entry["Attrs"]!.AsObject()) current[a.Key] = (string)a.Value!;
                    }
                    return OkWithErrors(unknown, "");
                }
                case "remove_attr":
                {
                    var entries = body?["UserAttrs"]?.AsArray() ?? new JsonArray();
                    if (!CountUsers(entries.Count, out var tooMany)) return tooMany!;
                    var unknown = new List<string>();
                    foreach (var entry in entries)
                    {
                        var user = (string)entry!["To_Account"]!;
                        if (UnknownUsers.Contains(user)) { unknown.Add(user); continue; }
                        // Attrs must be an array of names; a map here is the classic SDK bug, and the service rejects it.
                        if (entry["Attrs"] is not JsonArray names) return StubResponse.Fail(90001, "Attrs must be an array");
                        if (_users.TryGetValue(user, out var current))
                        {
                            foreach (var n in names) current.Remove((string)n!);
                        }
                    }
                    return OkWithErrors(unknown, "");
                }
                case "get_attr":
                {
                    var accounts = body?["To_Account"]?.AsArray() ?? new JsonArray();
                    if (!CountUsers(accounts.Count, out var tooMany)) return tooMany!;
                    var unknown = new List<string>();
                    var answer = new JsonArray();
                    // Real servers do not answer in request order: answer in reverse.
                    foreach (var node in accounts.Reverse())
                    {
                        var user = (string)node!;
                        if (UnknownUsers.Contains(user)) { unknown.Add(user); continue; }
                        var attrs = new JsonObject();
                        if (_users.TryGetValue(user, out var current))
                        {
                            foreach (var a in current) attrs[a.Key] = a.Value;
                        }
                        answer.Add(new JsonObject { ["To_Account"] = user, ["Attrs"] = attrs });
                    }
                    if (dropOne && answer.Count > 0) answer.RemoveAt(0);
                    return OkWithErrors(unknown, ",\"UserAttrs\":" + answer.ToJsonString());
                }
                case "add_tag":
                case "remove_tag":
                {
                    var entries = body?["UserTags"]?.AsArray() ?? new JsonArray();
                    if (!CountUsers(entries.Count, out var tooMany)) return tooMany!;
                    var replace = (int?)body?["Replace"] == 1;
                    var unknown = new List<string>();
                    foreach (var entry in entries)
                    {
                        var user = (string)entry!["To_Account"]!;
                        var tags = entry["Tags"]!.AsArray().Select(t => (string)t!).ToArray();
                        if (api == "add_tag" && tags.Length > (replace ? 100 : 10)) return StubResponse.Fail(90001, "too many tags in one add");
                        TagCalls.Add((api, user, tags));
                        if (UnknownUsers.Contains(user)) { unknown.Add(user); continue; }
                        if (!_tags.TryGetValue(user, out var current)) _tags[user] = current = new List<string>();
                        if (api == "remove_tag") current.RemoveAll(t => tags.Contains(t));
                        else
                        {
                            if (replace) current.Clear();
                            current.AddRange(tags.Where(t => !current.Contains(t)));
                        }
                    }
                    return OkWithErrors(unknown, "");
                }
                case "remove_all_tags":
                case "clear_all_tags":
                {
                    var accounts = body?["To_Account"]?.AsArray() ?? new JsonArray();
                    if (!CountUsers(accounts.Count, out var tooMany)) return tooMany!;
                    var unknown = new List<string>();
                    foreach (var node in accounts)
                    {
                        var user = (string)node!;
                        if (UnknownUsers.Contains(user)) unknown.Add(user);
                        else _tags.Remove(user);
                    }
                    return OkWithErrors(unknown, "");
                }
                case "get_tag":
                {
                    var accounts = body?["To_Account"]?.AsArray() ?? new JsonArray();
                    if (!CountUsers(accounts.Count, out var tooMany)) return tooMany!;
                    var unknown = new List<string>();
                    var answer = new JsonArray();
                    foreach (var node in accounts.Reverse())
                    {
                        var user = (string)node!;
                        if (UnknownUsers.Contains(user)) { unknown.Add(user); continue; }
                        var tags = new JsonArray();
                        foreach (var t in _tags.TryGetValue(user, out var current) ? current : new List<string>()) tags.Add(t);
                        answer.Add(new JsonObject { ["To_Account"] = user, ["Tags"] = tags });
                    }
                    if (dropOne && answer.Count > 0) answer.RemoveAt(0);
                    return OkWithErrors(unknown, ",\"UserTags\":" + answer.ToJsonString());
                }
                case "get_attr_name":
                {
                    var names = new JsonObject();
                    for (var i = 0; i < _names.Count; i++) names[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = _names[i];
                    return StubResponse.Ok(",\"AttrNames\":" + names.ToJsonString());
                }
                case "set_attr_name":
                {
                    var names = body?["AttrNames"]?.AsObject();
                    if (names is null || names.Count > 10) return StubResponse.Fail(90018, "too many names");
                    _names.Clear();
                    _names.AddRange(names.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => (string)n.Value!));
                    return StubResponse.Ok();
                }
                default:
                    return StubResponse.Http(404, "not found");
            }
        }
    }

    private bool CountUsers(int count, out StubResponse? tooMany)
    {
        Atomic.Max(ref _maxUsersInCall, count);
        tooMany = count > 100 ? StubResponse.Fail(90018, "too many accounts") : null;
        return tooMany is null;
    }

    private static StubResponse OkWithErrors(List<string> unknown, string extra)
    {
        if (unknown.Count == 0) return StubResponse.Ok(extra);
        var list = new StringBuilder(",\"ErrorList\":[");
        list.Append(string.Join(",", unknown.Select(u => "{\"To_Account\":" + JsonSerializer.Serialize(u) + ",\"ErrorCode\":70107,\"ErrorInfo\":\"account not found\"}")));
        list.Append(']');
        return StubResponse.Ok(list + extra);
    }
}
