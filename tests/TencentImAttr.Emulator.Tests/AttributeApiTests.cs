using TencentImAttr.Core.Api;

namespace TencentImAttr.Emulator.Tests;

/// <summary>The documented request and answer shapes and limits of the five attribute APIs (IM family).</summary>
public sealed class AttributeApiTests
{
    private readonly ServiceHarness _h = new();

    [Fact]
    public void Set_then_get_answers_every_user_with_attrs_and_an_empty_object_for_users_with_none()
    {
        _h.Register("sex", "city");
        _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"Female","city":"Shenzhen"}},{"To_Account":"u2","Attrs":{"city":"深圳"}}]}""").AssertOk();

        var reply = _h.Call(ImOperation.GetAttributes, """{"To_Account":["u1","u2","abc"]}""");

        reply.AssertOk();
        var users = reply.Users().ToDictionary(u => u.User, u => u.Attrs);
        Assert.Equal(3, users.Count);
        Assert.Equal(new Dictionary<string, string> { ["sex"] = "Female", ["city"] = "Shenzhen" }, users["u1"]);
        Assert.Equal(new Dictionary<string, string> { ["city"] = "深圳" }, users["u2"]);
        Assert.Empty(users["abc"]);
        Assert.Contains("{\"To_Account\":\"abc\",\"Attrs\":{}}", reply.Text, StringComparison.Ordinal);
        Assert.Contains("深圳", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Ok_answers_carry_the_envelope_first_and_no_error_list()
    {
        _h.Register("sex");

        var reply = _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"F"}}]}""");

        Assert.Equal("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}""", reply.Text);
    }

    [Fact]
    public void Get_never_answers_in_request_order()
    {
        _h.Register("sex");
        for (var size = 2; size <= 30; size++)
        {
            var requested = Enumerable.Range(0, size).Select(i => "u" + i).ToList();
            var reply = _h.Call(ImOperation.GetAttributes, $"{{\"To_Account\":[{ServiceHarness.Accounts(size)}]}}");
            var answered = reply.Users().Select(u => u.User).ToList();
            Assert.NotEqual(requested, answered);
            Assert.Equal(requested.Order(StringComparer.Ordinal), answered.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Set_keeps_attributes_not_named_and_later_values_win()
    {
        _h.Register("sex", "city");
        _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"F","city":"A"}}]}""").AssertOk();
        _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"city":"B"}},{"To_Account":"u1","Attrs":{"city":"C"}}]}""").AssertOk();

        Assert.Equal(new Dictionary<string, string> { ["sex"] = "F", ["city"] = "C" }, _h.Service.AttributesOf("u1"));
    }

    [Fact]
    public void Remove_takes_an_array_of_names()
    {
        _h.Register("sex", "city");
        _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"F","city":"A"}}]}""").AssertOk();

        _h.Call(ImOperation.RemoveAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":["city"]},{"To_Account":"nobody","Attrs":["sex"]}]}""").AssertOk();

        Assert.Equal(new Dictionary<string, string> { ["sex"] = "F" }, _h.Service.AttributesOf("u1"));
    }

    [Fact]
    public void Remove_with_a_map_of_attributes_is_bad_json_and_says_why()
    {
        _h.Register("sex");
        _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"F"}}]}""").AssertOk();

        var reply = _h.Call(ImOperation.RemoveAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"F"}}]}""");

        reply.AssertFail(90001);
        Assert.Contains("array", reply.ErrorInfo, StringComparison.Ordinal);
        Assert.Equal("F", _h.Service.AttributesOf("u1")["sex"]);
    }

    [Theory]
    [InlineData(nameof(ImOperation.SetAttributes), """{"UserAttrs":[{"To_Account":"u1","Attrs":{"color":"red"}}]}""")]
    [InlineData(nameof(ImOperation.RemoveAttributes), """{"UserAttrs":[{"To_Account":"u1","Attrs":["color"]}]}""")]
    public void Unregistered_names_are_90033(string operationName, string body)
    {
        var operation = Enum.Parse<ImOperation>(operationName);
        _h.Register("sex");

        var reply = _h.Call(operation, body);

        reply.AssertFail(90033);
        Assert.Contains("color", reply.ErrorInfo, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_are_case_sensitive()
    {
        _h.Register("city");

        _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"City":"A"}}]}""").AssertFail(90033);
    }

    [Fact]
    public void A_failed_set_changes_nothing()
    {
        _h.Register("sex");

        _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"F"}},{"To_Account":"u2","Attrs":{"nope":"x"}}]}""").AssertFail(90033);

        Assert.Empty(_h.Service.AttributesOf("u1"));
    }

    [Fact]
    public void Values_are_limited_to_50_utf_8_bytes()
    {
        _h.Register("city");
        var fifty = new string('é', 25);       // 25 characters, 50 bytes
        var fiftyOne = new string('中', 17);   // 17 characters, 51 bytes

        _h.Call(ImOperation.SetAttributes, $"{{\"UserAttrs\":[{{\"To_Account\":\"u1\",\"Attrs\":{{\"city\":\"{fifty}\"}}}}]}}").AssertOk();
        var reply = _h.Call(ImOperation.SetAttributes, $"{{\"UserAttrs\":[{{\"To_Account\":\"u2\",\"Attrs\":{{\"city\":\"{fiftyOne}\"}}}}]}}");

        reply.AssertFail(90033);
        Assert.Contains("51 bytes", reply.ErrorInfo, StringComparison.Ordinal);
        Assert.Equal(fifty, _h.Service.AttributesOf("u1")["city"]);
        Assert.Empty(_h.Service.AttributesOf("u2"));
    }

    [Fact]
    public void A_hundred_accounts_pass_and_a_hundred_and_one_are_90018()
    {
        _h.Register("sex");
        string SetBody(int n) => "{\"UserAttrs\":[" + string.Join(",", Enumerable.Range(0, n).Select(i => $"{{\"To_Account\":\"u{i}\",\"Attrs\":{{\"sex\":\"F\"}}}}")) + "]}";
        string RemoveBody(int n) => "{\"UserAttrs\":[" + string.Join(",", Enumerable.Range(0, n).Select(i => $"{{\"To_Account\":\"u{i}\",\"Attrs\":[\"sex\"]}}")) + "]}";
        string GetBody(int n) => $"{{\"To_Account\":[{ServiceHarness.Accounts(n)}]}}";

        _h.Call(ImOperation.SetAttributes, SetBody(100)).AssertOk();
        _h.Call(ImOperation.GetAttributes, GetBody(100)).AssertOk();
        _h.Call(ImOperation.RemoveAttributes, RemoveBody(100)).AssertOk();
        _h.Call(ImOperation.SetAttributes, SetBody(101)).AssertFail(90018);
        _h.Call(ImOperation.GetAttributes, GetBody(101)).AssertFail(90018);
        _h.Call(ImOperation.RemoveAttributes, RemoveBody(101)).AssertFail(90018);
    }

    [Theory]
    [InlineData(nameof(ImOperation.SetAttributes), "")]
    [InlineData(nameof(ImOperation.SetAttributes), "{\"UserAttrs\":[")]
    [InlineData(nameof(ImOperation.SetAttributes), "[]")]
    [InlineData(nameof(ImOperation.SetAttributes), "{}")]
    [InlineData(nameof(ImOperation.SetAttributes), """{"userattrs":[]}""")]
    [InlineData(nameof(ImOperation.SetAttributes), """{"UserAttrs":[{"Attrs":{"sex":"F"}}]}""")]
    [InlineData(nameof(ImOperation.SetAttributes), """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":1}}]}""")]
    [InlineData(nameof(ImOperation.SetAttributes), """{"UserAttrs":[{"To_Account":"u1","Attrs":["sex"]}]}""")]
    [InlineData(nameof(ImOperation.GetAttributes), """{"To_Account":"u1"}""")]
    [InlineData(nameof(ImOperation.GetAttributes), """{"To_Account":[1,2]}""")]
    [InlineData(nameof(ImOperation.RemoveAttributes), """{"UserAttrs":[{"To_Account":"u1"}]}""")]
    [InlineData(nameof(ImOperation.RemoveAttributes), """{"UserAttrs":[{"To_Account":"u1","Attrs":[1]}]}""")]
    [InlineData(nameof(ImOperation.GetAttributeNames), "")]
    [InlineData(nameof(ImOperation.SetAttributeNames), """{"AttrNames":["sex"]}""")]
    [InlineData(nameof(ImOperation.SetAttributeNames), """{"AttrNames":{"0":5}}""")]
    public void Bodies_outside_the_documented_shapes_are_90001(string operationName, string body)
    {
        var operation = Enum.Parse<ImOperation>(operationName);
        _h.Register("sex");

        _h.Call(operation, body).AssertFail(90001);
    }

    [Fact]
    public void User_ids_over_32_bytes_are_90001_on_the_im_family()
    {
        _h.Register("sex");
        var longId = new string('a', 33);

        _h.Call(ImOperation.SetAttributes, $"{{\"UserAttrs\":[{{\"To_Account\":\"{longId}\",\"Attrs\":{{\"sex\":\"F\"}}}}]}}").AssertFail(90001);
        _h.Call(ImOperation.GetAttributes, $"{{\"To_Account\":[\"{new string('a', 32)}\"]}}").AssertOk();
    }

    [Fact]
    public void Attribute_names_round_trip_by_slot()
    {
        _h.Call(ImOperation.SetAttributeNames, """{"AttrNames":{"0":"sex","1":"city","2":"country"}}""").AssertOk();

        var reply = _h.Call(ImOperation.GetAttributeNames, "{}");

        reply.AssertOk();
        Assert.Equal("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"AttrNames":{"0":"sex","1":"city","2":"country"}}""", reply.Text);
    }

    [Fact]
    public void Get_attribute_names_of_a_new_app_is_an_empty_object()
    {
        var reply = _h.Call(ImOperation.GetAttributeNames, "{}");

        Assert.Equal("""{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"AttrNames":{}}""", reply.Text);
    }

    [Fact]
    public void Setting_names_replaces_the_list_and_hides_values_of_names_no_longer_registered()
    {
        _h.Register("sex", "city");
        _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"F","city":"A"}}]}""").AssertOk();

        _h.Register("city");

        Assert.Equal(new[] { "city" }, _h.Service.RegisteredNames());
        Assert.Equal(new Dictionary<string, string> { ["city"] = "A" }, _h.Service.AttributesOf("u1"));
    }

    [Fact]
    public void Ten_names_fit_in_slots_0_to_9()
    {
        _h.Register(Enumerable.Range(0, 10).Select(i => "n" + i).ToArray());

        Assert.Equal(10, _h.Service.RegisteredNames().Count);
        _h.Call(ImOperation.SetAttributeNames, """{"AttrNames":{"10":"eleventh"}}""").AssertFail(90033);
        _h.Call(ImOperation.SetAttributeNames, """{"AttrNames":{"a":"x"}}""").AssertFail(90033);
    }

    [Theory]
    [InlineData("""{"AttrNames":{"0":""}}""")]
    [InlineData("""{"AttrNames":{"0":"  "}}""")]
    [InlineData("""{"AttrNames":{"0":"sex","1":"sex"}}""")]
    [InlineData("""{"AttrNames":{"0":"123456789012345678901234567890123456789012345678901"}}""")]
    public void Bad_names_are_90033(string body)
    {
        _h.Call(ImOperation.SetAttributeNames, body).AssertFail(90033);
        Assert.Empty(_h.Service.RegisteredNames());
    }

    [Fact]
    public void Attr_types_are_ignored_on_the_im_family()
    {
        _h.Call(ImOperation.SetAttributeNames, """{"AttrNames":{"0":"sex"},"AttrTypes":{"0":1}}""").AssertOk();

        var reply = _h.Call(ImOperation.GetAttributeNames, "{}");

        Assert.False(reply.Root.TryGetProperty("AttrTypes", out _));
    }

    [Fact]
    public void Unknown_apis_are_http_404()
    {
        var response = _h.Service.Handle("/v4/all_member_push/im_push", _h.Query(), "{}"u8.ToArray());

        Assert.Equal(404, response.Status);
    }

    [Fact]
    public void Both_families_share_one_store()
    {
        _h.Register("sex");
        _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"F"}}]}""", ImService.Push).AssertOk();

        var reply = _h.Call(ImOperation.GetAttributes, """{"To_Account":["u1"]}""");

        Assert.Equal("F", reply.Users().Single().Attrs["sex"]);
    }
}
