using System.Globalization;
using System.Text;
using System.Text.Json;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Auth;

namespace TencentImAttr.Emulator.Tests;

/// <summary>An <see cref="EmulatedImService"/> on a manual clock, and calls signed the way the core signs them.</summary>
internal sealed class ServiceHarness
{
    public const long AppId = 1400000000;
    public const string Admin = "administrator";
    public const string Key = "unit-test-key";

    public ServiceHarness(Action<EmulatorOptions>? configure = null)
    {
        Options = new EmulatorOptions { SdkAppId = AppId, Admin = Admin, SecretKey = Key, Seed = 42 };
        configure?.Invoke(Options);
        Service = new EmulatedImService(Options, Clock);
    }

    public ManualClock Clock { get; } = new();

    public EmulatorOptions Options { get; }

    public EmulatedImService Service { get; }

    /// <summary>A UserSig made by the core's generator, valid for a day from the clock's now unless told otherwise.</summary>
    public string Sig(string identifier = Admin, long appId = AppId, string key = Key, TimeSpan? lifetime = null, DateTimeOffset? issuedAt = null) =>
        UserSigGenerator.Generate(appId, identifier, Encoding.UTF8.GetBytes(key), issuedAt ?? Clock.UtcNow, lifetime ?? TimeSpan.FromDays(1));

    /// <summary>The query a correct client sends.</summary>
    public Dictionary<string, string> Query() => new(StringComparer.Ordinal)
    {
        ["usersig"] = Sig(),
        ["identifier"] = Admin,
        ["sdkappid"] = AppId.ToString(CultureInfo.InvariantCulture),
        ["random"] = "12345",
        ["contenttype"] = "json",
    };

    public static string PathOf(ImOperation operation, ImService service = ImService.AllMemberPush) => "/" + ImApiRoutes.Path(service, operation);

    public EmulatorResponse Raw(ImOperation operation, string body, ImService service = ImService.AllMemberPush, Action<Dictionary<string, string>>? query = null)
    {
        var q = Query();
        query?.Invoke(q);
        return Service.Handle(PathOf(operation, service), q, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Calls and parses the envelope; the status must be 200.</summary>
    public Reply Call(ImOperation operation, string body, ImService service = ImService.AllMemberPush, Action<Dictionary<string, string>>? query = null)
    {
        var response = Raw(operation, body, service, query);
        Assert.False(response.DropConnection);
        Assert.Equal(200, response.Status);
        return new Reply(response.Text);
    }

    /// <summary>Registers names and checks the call succeeded.</summary>
    public void Register(params string[] names)
    {
        var map = string.Join(",", names.Select((n, i) => $"\"{i}\":\"{n}\""));
        Call(ImOperation.SetAttributeNames, $"{{\"AttrNames\":{{{map}}}}}").AssertOk();
    }

    public static string Accounts(int count, string prefix = "u") =>
        string.Join(",", Enumerable.Range(0, count).Select(i => $"\"{prefix}{i}\""));
}

/// <summary>A parsed answer.</summary>
public sealed class Reply
{
    public Reply(string text)
    {
        Text = text;
        Root = JsonDocument.Parse(text).RootElement.Clone();
    }

    public string Text { get; }

    public JsonElement Root { get; }

    public string ActionStatus => Root.GetProperty(nameof(ActionStatus)).GetString()!;

    public int ErrorCode => Root.GetProperty(nameof(ErrorCode)).GetInt32();

    public string ErrorInfo => Root.GetProperty(nameof(ErrorInfo)).GetString()!;

    public void AssertOk()
    {
        Assert.True(ActionStatus == "OK" && ErrorCode == 0, Text);
        Assert.Equal("", ErrorInfo);
    }

    public void AssertFail(int code)
    {
        Assert.True(ActionStatus == "FAIL" && ErrorCode == code, $"expected FAIL {code}, got {Text}");
        Assert.False(string.IsNullOrEmpty(ErrorInfo));
    }

    /// <summary>The get answer's users, in answer order, with their values.</summary>
    public List<(string User, Dictionary<string, string> Attrs)> Users() =>
        Root.GetProperty("UserAttrs").EnumerateArray()
            .Select(u => (u.GetProperty("To_Account").GetString()!,
                u.GetProperty("Attrs").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)))
            .ToList();

    /// <summary>The ErrorList's users and codes; empty when there is none.</summary>
    public Dictionary<string, int> ErrorList() =>
        Root.TryGetProperty("ErrorList", out var list)
            ? list.EnumerateArray().ToDictionary(e => e.GetProperty("To_Account").GetString()!, e => e.GetProperty(nameof(ErrorCode)).GetInt32())
            : new Dictionary<string, int>();
}
