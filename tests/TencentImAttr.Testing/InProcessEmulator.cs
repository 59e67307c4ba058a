using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using TencentImAttr.Emulator;

namespace TencentImAttr.Testing;

/// <summary>
/// The emulator's rules (<see cref="EmulatedImService"/>: the one engine of the API's rules) in process, behind a
/// <see cref="StubHttpHandler"/>: calls are answered without sockets, and the handler records them as it does for the
/// exact-wire tests. What a test sets up goes straight into the emulator's store. Connections carry the placeholder
/// UserSig given here (the emulator's static-UserSig mode), so that a test needs no key; the quota is off, since the
/// tests' clocks are not the emulator's (the quota's own tests are the emulator's).
/// </summary>
public sealed class InProcessEmulator
{
    /// <summary>The UserSig the Pester suites connect with.</summary>
    public const string DefaultUserSig = "stub-usersig";

    private readonly AttributeStore _store = new();

    /// <summary>An emulator that accepts <see cref="DefaultUserSig"/>.</summary>
    public InProcessEmulator()
        : this(DefaultUserSig)
    {
    }

    /// <summary>An emulator that accepts <paramref name="userSig"/> for the administrator.</summary>
    public InProcessEmulator(string userSig)
        : this(userSig, null)
    {
    }

    /// <summary>An emulator with more settings (fault injection, unknown accounts), for the xunit suites.</summary>
    /// <param name="userSig">The UserSig accepted for the administrator.</param>
    /// <param name="configure">More settings.</param>
    /// <param name="clock">The emulator's time (when LateApply's held calls land); the system clock by default.</param>
    internal InProcessEmulator(string userSig, Action<EmulatorOptions>? configure, IEmulatorClock? clock = null)
    {
        // A fixed seed, as the fake had: the same faults and answer orders every run.
        var options = new EmulatorOptions { StaticUserSig = userSig, Quota = 0, Seed = 12345 };
        configure?.Invoke(options);
        Service = new EmulatedImService(options, clock, _store);
    }

    /// <summary>The emulated service.</summary>
    internal EmulatedImService Service { get; }

    /// <summary>The registered attribute names, by slot.</summary>
    public IReadOnlyList<string> Names => Service.RegisteredNames();

    /// <summary>Calls that got an injected fault.</summary>
    public int FaultsInjected => Service.InjectedFaults.Values.Sum();

    /// <summary>A handler that answers from this emulator and records every request.</summary>
    public StubHttpHandler CreateHandler() => new() { Responder = Answer };

    /// <summary>
    /// The same, but a stall (and a call held by LateApply) ends in the client's timeout at once
    /// (<see cref="StubResponse.TimedOut"/>): runs of many calls on a busy machine then never wait for a real timeout.
    /// </summary>
    public StubHttpHandler CreateTimingOutHandler() => new()
    {
        Responder = r =>
        {
            var answer = Answer(r);
            return answer.Stall ? StubResponse.TimedOut() : answer;
        },
    };

    /// <summary>
    /// A handler whose first call to <paramref name="api"/> is applied and then never answered (the client's timeout,
    /// at once): a write of unknown outcome. Every other call is answered as usual.
    /// </summary>
    public StubHttpHandler CreateHandlerLosingFirstAnswerOf(string api)
    {
        var lost = 0;
        return new StubHttpHandler
        {
            Responder = r =>
            {
                var answer = Answer(r);
                return r.Api == api && Interlocked.Exchange(ref lost, 1) == 0 ? StubResponse.TimedOut() : answer;
            },
        };
    }

    /// <summary>Answers one recorded request with the emulator's rules.</summary>
    public StubResponse Answer(RecordedRequest request)
    {
        var response = Service.Handle(request.Uri.AbsolutePath, request.Query, Encoding.UTF8.GetBytes(request.Body));
        if (response.DropConnection) return StubResponse.Reset();
        if (response.Stall) return StubResponse.Stalled();
        return StubResponse.Http(response.Status, response.Text);
    }

    /// <summary>Registers names in slots 0, 1, ... (test setup), replacing the list.</summary>
    public void Register(params string[] names)
    {
        var slots = names.Select((name, slot) => (name, slot)).ToDictionary(n => n.slot, n => n.name);
        lock (_store) _store.SetNames(slots, null);
    }

    /// <summary>Sets a user's attributes directly (test setup); only registered names read back.</summary>
    public void Seed(string user, IDictionary attributes)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in attributes) values[entry.Key.ToString()!] = entry.Value?.ToString() ?? "";
        lock (_store) _store.Set(user, values);
    }

    /// <summary>A user's tags as get_tag answers them (a copy, in the order added), or null for a user with none.</summary>
    public List<string>? TagsOf(string user)
    {
        var tags = Service.TagsOf(user);
        return tags.Count == 0 ? null : tags;
    }

    /// <summary>A user's attributes as get_attr answers them (a copy), or null for a user with none.</summary>
    public Dictionary<string, string>? AttributesOf(string user)
    {
        var values = Service.AttributesOf(user);
        return values.Count == 0 ? null : values;
    }
}
