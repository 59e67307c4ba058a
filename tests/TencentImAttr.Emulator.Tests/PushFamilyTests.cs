using TencentImAttr.Core.Api;

namespace TencentImAttr.Emulator.Tests;

/// <summary>The v4/timpush twins: same shapes, plus per-user failures in an ErrorList, RegistrationIDs and AttrTypes.</summary>
public sealed class PushFamilyTests
{
    private const string RegistrationId = "379C2F0D-290D-47AE-94D1-919058C39C77";
    private readonly ServiceHarness _h = new(o => o.UnknownUserPrefix = "ghost");

    public PushFamilyTests() => _h.Register("sex", "city");

    [Fact]
    public void Unknown_accounts_are_reported_in_the_error_list_and_the_others_succeed()
    {
        var reply = _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"F"}},{"To_Account":"ghost1","Attrs":{"sex":"M"}}]}""", ImService.Push);

        reply.AssertOk();
        Assert.Equal(new Dictionary<string, int> { ["ghost1"] = 70107 }, reply.ErrorList());
        Assert.Equal("F", _h.Service.AttributesOf("u1")["sex"]);
        Assert.Empty(_h.Service.AttributesOf("ghost1"));
        Assert.Contains("\"ErrorList\":[{\"To_Account\":\"ghost1\",\"ErrorCode\":70107,\"ErrorInfo\":", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_and_remove_report_unknown_accounts_too()
    {
        var get = _h.Call(ImOperation.GetAttributes, """{"To_Account":["u1","ghost1","u2"]}""", ImService.Push);
        get.AssertOk();
        Assert.Equal(new Dictionary<string, int> { ["ghost1"] = 70107 }, get.ErrorList());
        Assert.Equal(new[] { "u1", "u2" }, get.Users().Select(u => u.User).Order(StringComparer.Ordinal));

        var remove = _h.Call(ImOperation.RemoveAttributes, """{"UserAttrs":[{"To_Account":"ghost2","Attrs":["sex"]}]}""", ImService.Push);
        remove.AssertOk();
        Assert.Equal(new Dictionary<string, int> { ["ghost2"] = 70107 }, remove.ErrorList());
    }

    [Fact]
    public void The_im_family_accepts_every_account()
    {
        var reply = _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"ghost1","Attrs":{"sex":"M"}}]}""");

        Assert.Equal("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""", reply.Text);
        Assert.Equal("M", _h.Service.AttributesOf("ghost1")["sex"]);
    }

    [Fact]
    public void Registration_ids_are_accounts_on_push_only()
    {
        var body = $"{{\"UserAttrs\":[{{\"To_Account\":\"{RegistrationId}\",\"Attrs\":{{\"city\":\"A\"}}}}]}}";

        _h.Call(ImOperation.SetAttributes, body, ImService.Push).AssertOk();
        Assert.Equal("A", _h.Service.AttributesOf(RegistrationId)["city"]);
        _h.Call(ImOperation.SetAttributes, body).AssertFail(90001);
    }

    [Fact]
    public void Long_accounts_that_are_not_registration_ids_do_not_exist_on_push()
    {
        var longId = new string('x', 40);

        var reply = _h.Call(ImOperation.GetAttributes, $"{{\"To_Account\":[\"{longId}\"]}}", ImService.Push);

        Assert.Equal(70107, reply.ErrorList()[longId]);
    }

    [Fact]
    public void Attr_types_round_trip_and_bind_an_attribute_to_one_account_type()
    {
        _h.Call(ImOperation.SetAttributeNames, """{"AttrNames":{"0":"sex","1":"device"},"AttrTypes":{"0":0,"1":1}}""", ImService.Push).AssertOk();

        var names = _h.Call(ImOperation.GetAttributeNames, "{}", ImService.Push);
        Assert.Equal("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"AttrNames":{"0":"sex","1":"device"},"AttrTypes":{"0":0,"1":1}}""", names.Text);

        var set = _h.Call(ImOperation.SetAttributes,
            $"{{\"UserAttrs\":[{{\"To_Account\":\"u1\",\"Attrs\":{{\"device\":\"ios\"}}}},{{\"To_Account\":\"{RegistrationId}\",\"Attrs\":{{\"device\":\"ios\"}}}}]}}", ImService.Push);
        set.AssertOk();
        Assert.Equal(new Dictionary<string, int> { ["u1"] = 90035 }, set.ErrorList());
        Assert.Equal("ios", _h.Service.AttributesOf(RegistrationId)["device"]);
    }

    [Theory]
    [InlineData("""{"AttrNames":{"0":"sex"},"AttrTypes":{"0":2}}""", 90001)]
    [InlineData("""{"AttrNames":{"0":"sex"},"AttrTypes":{"1":0}}""", 90033)]
    public void Bad_attr_types_are_refused(string body, int code) => _h.Call(ImOperation.SetAttributeNames, body, ImService.Push).AssertFail(code);

    [Fact]
    public void Unregistered_names_fail_the_whole_call_on_push_too() =>
        _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"ghost1","Attrs":{"x":"1"}}]}""", ImService.Push).AssertFail(90033);
}
