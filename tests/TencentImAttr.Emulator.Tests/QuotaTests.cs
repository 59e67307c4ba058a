using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Emulator.Tests;

/// <summary>The per-API quota: N calls in any one-second window, then the rate-limit code.</summary>
public sealed class QuotaTests
{
    [Fact]
    public void The_101_st_call_in_one_second_is_rate_limited_and_the_next_window_is_open()
    {
        var h = new ServiceHarness();
        for (var i = 0; i < 100; i++)
        {
            h.Call(ImOperation.GetAttributeNames, "{}").AssertOk();
        }

        var refused = h.Call(ImOperation.GetAttributeNames, "{}");
        refused.AssertFail(60007);
        Assert.True(ResponseClassifier.IsTransientCode(refused.ErrorCode), "the core must retry the quota code");

        h.Clock.Advance(TimeSpan.FromMilliseconds(999));
        h.Call(ImOperation.GetAttributeNames, "{}").AssertFail(60007);
        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        h.Call(ImOperation.GetAttributeNames, "{}").AssertOk();
    }

    [Fact]
    public void The_window_slides()
    {
        var h = new ServiceHarness(o => o.Quota = 4);
        h.Call(ImOperation.GetAttributeNames, "{}").AssertOk();          // t = 0
        h.Clock.Advance(TimeSpan.FromMilliseconds(600));
        for (var i = 0; i < 3; i++) h.Call(ImOperation.GetAttributeNames, "{}").AssertOk();   // t = 600
        h.Call(ImOperation.GetAttributeNames, "{}").AssertFail(60007);

        h.Clock.Advance(TimeSpan.FromMilliseconds(400));                   // t = 1000: the first call left the window
        h.Call(ImOperation.GetAttributeNames, "{}").AssertOk();
        h.Call(ImOperation.GetAttributeNames, "{}").AssertFail(60007);
    }

    [Fact]
    public void Each_api_has_its_own_quota()
    {
        var h = new ServiceHarness(o => o.Quota = 2);
        h.Register("sex");   // one set_attr_name call
        h.Call(ImOperation.GetAttributeNames, "{}").AssertOk();
        h.Call(ImOperation.GetAttributeNames, "{}").AssertOk();
        h.Call(ImOperation.GetAttributeNames, "{}").AssertFail(60007);

        h.Call(ImOperation.GetAttributes, """{"To_Account":["u1"]}""").AssertOk();
        h.Call(ImOperation.GetAttributeNames, "{}", ImService.Push).AssertOk();
    }

    [Fact]
    public void Refused_calls_do_not_use_the_quota()
    {
        var h = new ServiceHarness(o => o.Quota = 1);
        h.Call(ImOperation.GetAttributeNames, "{}", query: q => q["usersig"] = h.Sig(key: "bad")).AssertFail(70005);

        h.Call(ImOperation.GetAttributeNames, "{}").AssertOk();
    }

    [Fact]
    public void Quota_zero_is_unlimited()
    {
        var h = new ServiceHarness(o => o.Quota = 0);
        for (var i = 0; i < 1000; i++)
        {
            h.Call(ImOperation.GetAttributeNames, "{}").AssertOk();
        }
    }
}
