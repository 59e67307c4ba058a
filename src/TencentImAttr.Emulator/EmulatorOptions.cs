using System.Globalization;
using System.Net;

namespace TencentImAttr.Emulator;

/// <summary>How the emulator behaves: the app it pretends to be, where it listens, and the faults it injects.</summary>
internal sealed class EmulatorOptions
{
    /// <summary>
    /// The default secret key: an obviously fake sample, so that it is never mistaken for a real app's key.
    /// The emulator prints it on start; that is safe only because it is this sample or a key chosen for the emulator.
    /// </summary>
    public const string SampleSecretKey = "emulator-sample-key-0123456789abcdef";

    /// <summary>The SDKAppID the emulator answers for.</summary>
    public long SdkAppId { get; set; } = 1400000000;

    /// <summary>The secret key UserSigs must be signed with.</summary>
    public string SecretKey { get; set; } = SampleSecretKey;

    /// <summary>The App administrator account: the only identifier allowed to call.</summary>
    public string Admin { get; set; } = "administrator";

    /// <summary>The address to bind: loopback unless asked otherwise, since the API carries the UserSig in plain HTTP here.</summary>
    public IPAddress Host { get; set; } = IPAddress.Loopback;

    /// <summary>The port; 0 picks a free one (the chosen URL is printed).</summary>
    public int Port { get; set; } = 5080;

    /// <summary>Added to every answer, to mimic a distant data centre.</summary>
    public int LatencyMs { get; set; }

    /// <summary>The fraction (0 to 1) of calls that fail transiently, split evenly among <see cref="Faults"/>.</summary>
    public double FailRate { get; set; }

    /// <summary>The kinds of failure injected, each failing call taking the next in turn: 91000, HTTP 502 and a dropped connection unless told otherwise.</summary>
    public IReadOnlyList<InjectedFault> Faults { get; set; } = FaultInjector.DefaultKinds;

    /// <summary>How long a call struck by <see cref="InjectedFault.LateApply"/> is held before it is applied, in milliseconds.</summary>
    public int LateApplyMs { get; set; } = 5000;

    /// <summary>At most this many calls get a fault (the first ones drawn), the later ones none; null: no limit.</summary>
    public long? MaxFaults { get; set; }

    /// <summary>Only calls of these APIs (as named in the path: im_set_attr, set_attr...) get a fault; null: every API.</summary>
    public IReadOnlyList<string>? FaultApis { get; set; }

    /// <summary>
    /// A UserSig accepted as the administrator's as it is, without decoding or verifying it: for a client given a
    /// ready-made token (<c>Connect-ImApp -UserSig</c>) and for tests whose connections carry a placeholder. Null:
    /// only UserSigs signed with <see cref="SecretKey"/> pass.
    /// </summary>
    public string? StaticUserSig { get; set; }

    /// <summary>Seeds the fault draws and the answer order, for repeatable runs; null seeds from the clock.</summary>
    public int? Seed { get; set; }

    /// <summary>Calls per second per API before the rate-limit error (0: no limit).</summary>
    public int Quota { get; set; } = 100;

    /// <summary>Where the state is loaded from at start and saved to on shutdown; null keeps it in memory only.</summary>
    public string? StateFile { get; set; }

    /// <summary>On the Push family, accounts starting with this prefix do not exist (70107 in the ErrorList).</summary>
    public string? UnknownUserPrefix { get; set; }

    /// <summary>Prints one line per call.</summary>
    public bool Verbose { get; set; }

    /// <summary>The command-line help.</summary>
    public static string Usage => """
        TencentImAttr emulator: a local stand-in for Tencent Cloud IM's user-attribute REST API.

        Usage: dotnet run --project src/TencentImAttr.Emulator -- [options]

          --sdkappid <n>         SDKAppID to answer for            (default 1400000000)
          --key <text>           secret key UserSigs are signed with (default a fake sample key)
          --admin <name>         App administrator identifier      (default administrator)
          --host <ip>            address to bind                   (default 127.0.0.1)
          --port <n>             port; 0 picks a free one          (default 5080)
          --latency-ms <n>       delay added to every answer       (default 0)
          --fail-rate <0..1>     fraction of calls failing transiently, split among --faults (default 0)
          --faults <k,k,...>     the failures injected, in turn (default InternalError,BadGateway,DropConnection);
                                 also RateLimited, Stall, HtmlPage, EmptyBody, Truncate, WrongShape, OkWithErrorCode, MissingUser,
                                 LateApply (hold the call unanswered, apply it --late-apply-ms later: a stale call landing
                                 after the client's retry) and LostWrite (answer a write OK without applying it)
          --late-apply-ms <n>    how long LateApply holds a call before applying it (default 5000)
          --max-faults <n>       at most n calls get a fault, the first drawn; later calls none (default: no limit)
          --fault-apis <a,a,...> only calls of these APIs get a fault, e.g. im_set_attr,im_add_tag (default: every API)
          --seed <n>             seed for the fault draws and answer order (default: random)
          --quota <n>            calls per second per API; 0 = no limit (default 100)
          --state-file <path>    load state from it at start (if present), save it on shutdown (default: in memory)
          --unknown-prefix <p>   on v4/timpush, accounts starting with <p> do not exist (ErrorList 70107)
          --static-usersig <s>   also accept the UserSig <s> as it is, for the administrator (a ready-made token)
          --verbose              print one line per call
          --help                 show this text
        """;

    /// <summary>Reads <c>--name value</c> or <c>--name=value</c> arguments; null when <c>--help</c> was asked.</summary>
    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or has a wrong value; the message says which.</exception>
    public static EmulatorOptions? Parse(IReadOnlyList<string> args)
    {
        var options = new EmulatorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?") return null;
            if (arg == "--verbose")
            {
                options.Verbose = true;
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{arg}'. Options start with --; see --help.");
            string name, value;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                name = arg;
                if (i + 1 >= args.Count) throw new ArgumentException($"The option {name} needs a value.");
                value = args[++i];
            }
            options.Set(name, value);
        }
        return options;
    }

    private void Set(string name, string value)
    {
        switch (name)
        {
            case "--sdkappid":
                SdkAppId = Number(name, value, 1, uint.MaxValue);
                break;
            case "--key":
                SecretKey = value.Length > 0 ? value : throw new ArgumentException("The option --key needs a non-empty value.");
                break;
            case "--admin":
                Admin = value.Length > 0 ? value : throw new ArgumentException("The option --admin needs a non-empty value.");
                break;
            case "--host":
                Host = IPAddress.TryParse(value, out var ip) ? ip
                    : value == "localhost" ? IPAddress.Loopback
                    : throw new ArgumentException($"The option --host needs an IP address, not '{value}'.");
                break;
            case "--port":
                Port = (int)Number(name, value, 0, 65535);
                break;
            case "--latency-ms":
                LatencyMs = (int)Number(name, value, 0, 600_000);
                break;
            case "--fail-rate":
                FailRate = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1
                    ? rate
                    : throw new ArgumentException($"The option --fail-rate needs a number from 0 to 1, not '{value}'.");
                break;
            case "--faults":
                Faults = ParseFaults(value);
                break;
            case "--late-apply-ms":
                LateApplyMs = (int)Number(name, value, 0, 600_000);
                break;
            case "--max-faults":
                MaxFaults = Number(name, value, 0, long.MaxValue);
                break;
            case "--fault-apis":
                FaultApis = ParseApis(value);
                break;
            case "--static-usersig":
                StaticUserSig = value.Length > 0 ? value : throw new ArgumentException("The option --static-usersig needs a non-empty value.");
                break;
            case "--seed":
                Seed = (int)Number(name, value, int.MinValue, int.MaxValue);
                break;
            case "--quota":
                Quota = (int)Number(name, value, 0, int.MaxValue);
                break;
            case "--state-file":
                StateFile = value.Length > 0 ? value : throw new ArgumentException("The option --state-file needs a path.");
                break;
            case "--unknown-prefix":
                UnknownUserPrefix = value.Length > 0 ? value : null;
                break;
            default:
                throw new ArgumentException($"Unknown option '{name}'; see --help.");
        }
    }

    private static InjectedFault[] ParseFaults(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // By name only (Enum.TryParse would take numbers too), in any case.
        var known = Enum.GetValues<InjectedFault>().Where(k => k != InjectedFault.None).ToDictionary(k => k.ToString(), StringComparer.OrdinalIgnoreCase);
        var kinds = names.Select(name => known.TryGetValue(name, out var kind)
            ? kind
            : throw new ArgumentException($"The option --faults takes names of failures ({string.Join(", ", known.Keys)}), not '{name}'.")).ToArray();
        return kinds.Length > 0 ? kinds : throw new ArgumentException("The option --faults needs at least one kind.");
    }

    private static string[] ParseApis(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var known = ApiRoute.Names;
        foreach (var name in names)
        {
            if (!known.Contains(name, StringComparer.Ordinal)) throw new ArgumentException($"The option --fault-apis takes API names ({string.Join(", ", known)}), not '{name}'.");
        }
        return names.Length > 0 ? names : throw new ArgumentException("The option --fault-apis needs at least one API name.");
    }

    private static long Number(string name, string value, long min, long max) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"The option {name} needs a whole number from {min} to {max}, not '{value}'.");
}
