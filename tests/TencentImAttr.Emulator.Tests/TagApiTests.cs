using TencentImAttr.Core.Api;

namespace TencentImAttr.Emulator.Tests;

/// <summary>The emulator's tag calls in both families, with their limits and per-user errors.</summary>
public sealed class TagApiTests
{
    private const string RegistrationId = "379C2F0D-290D-47AE-94D1-919058C39C77";
    private readonly ServiceHarness _h = new(o => o.UnknownUserPrefix = "ghost");

    private static string Tags(int count, string prefix = "t") => string.Join(",", Enumerable.Range(0, count).Select(i => $"\"{prefix}{i}\""));

    [Theory]
    [InlineData(ImService.AllMemberPush)]
    [InlineData(ImService.Push)]
    public void Add_get_remove_clear_round_trip(ImService family)
    {
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u1","Tags":["a","b"]},{"To_Account":"u2","Tags":["a"]}]}""", family).AssertOk();
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u1","Tags":["b","c"]}]}""", family).AssertOk();
        Assert.Equal(new[] { "a", "b", "c" }, _h.Service.TagsOf("u1"));

        var get = _h.Call(ImOperation.GetTags, """{"To_Account":["u1","u2","u3"]}""", family);
        get.AssertOk();
        var answer = get.Root.GetProperty("UserTags").EnumerateArray()
            .ToDictionary(u => u.GetProperty("To_Account").GetString()!, u => u.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Equal(new[] { "a", "b", "c" }, answer["u1"]);
        Assert.Empty(answer["u3"]);
        Assert.NotEqual(new[] { "u1", "u2", "u3" }, answer.Keys.ToArray());

        _h.Call(ImOperation.RemoveTags, """{"UserTags":[{"To_Account":"u1","Tags":["a","zz"]}]}""", family).AssertOk();
        Assert.Equal(new[] { "b", "c" }, _h.Service.TagsOf("u1"));
        _h.Call(ImOperation.ClearTags, """{"To_Account":["u1","u2"]}""", family).AssertOk();
        Assert.Empty(_h.Service.TagsOf("u1"));
        Assert.Empty(_h.Service.TagsOf("u2"));
    }

    [Fact]
    public void Replace_overwrites_on_push_only()
    {
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u1","Tags":["a","b"]}]}""", ImService.Push).AssertOk();
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u1","Tags":["c"]}],"Replace":1}""", ImService.Push).AssertOk();
        Assert.Equal(new[] { "c" }, _h.Service.TagsOf("u1"));
        // all_member_push documents no Replace: like any unknown field, it is ignored, and the add adds.
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u2","Tags":["a"]}]}""").AssertOk();
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u2","Tags":["b"]}],"Replace":1}""").AssertOk();
        Assert.Equal(new[] { "a", "b" }, _h.Service.TagsOf("u2"));
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u1","Tags":["c"]}],"Replace":2}""", ImService.Push).AssertFail(90001);
    }

    [Fact]
    public void The_limits_refuse_the_call_whole()
    {
        _h.Call(ImOperation.AddTags, $"{{\"UserTags\":[{{\"To_Account\":\"u1\",\"Tags\":[{Tags(11)}]}}]}}").AssertFail(90001);
        _h.Call(ImOperation.AddTags, $"{{\"UserTags\":[{{\"To_Account\":\"u1\",\"Tags\":[{Tags(100)}]}}],\"Replace\":1}}", ImService.Push).AssertOk();
        _h.Call(ImOperation.AddTags, $"{{\"UserTags\":[{{\"To_Account\":\"u2\",\"Tags\":[{Tags(101)}]}}],\"Replace\":1}}", ImService.Push).AssertFail(90001);
        // u1 holds 100: one more is refused, and nothing of the call is applied.
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u3","Tags":["x"]},{"To_Account":"u1","Tags":["new"]}]}""", ImService.Push).AssertFail(90001);
        Assert.Empty(_h.Service.TagsOf("u3"));
        _h.Call(ImOperation.AddTags, $"{{\"UserTags\":[{{\"To_Account\":\"u1\",\"Tags\":[\"{new string('x', 51)}\"]}}]}}").AssertFail(90001);
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u1","Tags":[""]}]}""").AssertFail(90001);
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u1","Tags":"a"}]}""").AssertFail(90001);
        _h.Call(ImOperation.GetTags, $"{{\"To_Account\":[{ServiceHarness.Accounts(101)}]}}").AssertFail(90018);
        _h.Call(ImOperation.ClearTags, $"{{\"To_Account\":[{ServiceHarness.Accounts(101)}]}}", ImService.Push).AssertFail(90018);
    }

    [Fact]
    public void Push_holds_at_most_a_thousand_distinct_tags()
    {
        for (var user = 0; user < 10; user++)
        {
            _h.Call(ImOperation.AddTags, $"{{\"UserTags\":[{{\"To_Account\":\"u{user}\",\"Tags\":[{Tags(100, $"g{user}_")}]}}],\"Replace\":1}}", ImService.Push).AssertOk();
        }
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"x","Tags":["one-more"]}]}""", ImService.Push).AssertFail(90001);
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"x","Tags":["g0_1"]}]}""", ImService.Push).AssertOk();
    }

    [Fact]
    public void Push_reports_unknown_accounts_and_the_wrong_account_type_per_user()
    {
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u1","Tags":["vip"]}]}""", ImService.Push).AssertOk();
        var body = $"{{\"UserTags\":[{{\"To_Account\":\"{RegistrationId}\",\"Tags\":[\"vip\"]}},{{\"To_Account\":\"ghost1\",\"Tags\":[\"a\"]}},{{\"To_Account\":\"u2\",\"Tags\":[\"vip\"]}}]}}";
        var reply = _h.Call(ImOperation.AddTags, body, ImService.Push);
        reply.AssertOk();
        Assert.Equal(new Dictionary<string, int> { [RegistrationId] = 90035, ["ghost1"] = 70107 }, reply.ErrorList());
        Assert.Equal(new[] { "vip" }, _h.Service.TagsOf("u2"));
        var get = _h.Call(ImOperation.GetTags, """{"To_Account":["ghost2","u1"]}""", ImService.Push);
        Assert.Equal(new Dictionary<string, int> { ["ghost2"] = 70107 }, get.ErrorList());
    }

    [Fact]
    public void Tags_are_saved_and_loaded_with_the_state()
    {
        _h.Call(ImOperation.AddTags, """{"UserTags":[{"To_Account":"u1","Tags":["a","b"]}]}""").AssertOk();
        var path = Path.Combine(Path.GetTempPath(), $"tags-{Guid.NewGuid():N}.json");
        try
        {
            _h.Service.SaveState(path);
            Assert.Equal(new[] { "a", "b" }, AttributeStore.Load(path).Tags.Get("u1"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
