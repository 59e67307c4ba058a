using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Emulator.Tests;

/// <summary>Injected transient failures: their share, their kinds, their effect, and their repeatability with a seed.</summary>
public sealed class FaultInjectionTests
{
    [Fact]
    public void No_faults_by_default()
    {
        var injector = new FaultInjector(0, new Random(1));

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.Equal(InjectedFault.None, injector.Next()));
    }

    [Fact]
    public void The_rate_is_the_share_of_failures_split_evenly_among_the_three_kinds()
    {
        var injector = new FaultInjector(0.3, new Random(7));

        var counts = Enumerable.Range(0, 30000).Select(_ => injector.Next()).GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count());

        Assert.InRange(counts[InjectedFault.None], 20400, 21600);
        foreach (var kind in new[] { InjectedFault.InternalError, InjectedFault.BadGateway, InjectedFault.DropConnection })
        {
            Assert.InRange(counts[kind], 2600, 3400);
        }
    }

    [Fact]
    public void A_seed_repeats_the_same_faults()
    {
        var first = new FaultInjector(0.5, new Random(123));
        var second = new FaultInjector(0.5, new Random(123));

        Assert.Equal(Enumerable.Range(0, 200).Select(_ => first.Next()), Enumerable.Range(0, 200).Select(_ => second.Next()));
    }

    [Fact]
    public void The_service_with_a_seed_answers_the_same_sequence()
    {
        static List<string> Run()
        {
            var h = new ServiceHarness(o =>
            {
                o.FailRate = 0.5;
                o.Seed = 99;
            });
            return Enumerable.Range(0, 60).Select(_ =>
            {
                var r = h.Raw(ImOperation.GetAttributeNames, "{}");
                return r.DropConnection ? "drop" : $"{r.Status} {r.Text}";
            }).ToList();
        }

        var first = Run();

        Assert.Equal(first, Run());
        Assert.Contains("drop", first);
        Assert.Contains(first, a => a.StartsWith("502 ", StringComparison.Ordinal));
        Assert.Contains(first, a => a.Contains("\"ErrorCode\":91000", StringComparison.Ordinal));
        Assert.Contains(first, a => a.Contains("\"ErrorCode\":0", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_kind_looks_like_what_it_imitates()
    {
        var h = new ServiceHarness(o =>
        {
            o.FailRate = 1;
            o.Seed = 5;
        });
        var seen = new HashSet<InjectedFault>();
        for (var i = 0; i < 200 && seen.Count < 3; i++)
        {
            var r = h.Raw(ImOperation.GetAttributeNames, "{}");
            if (r.DropConnection)
            {
                seen.Add(InjectedFault.DropConnection);
                Assert.Empty(r.Body);
            }
            else if (r.Status == 502)
            {
                seen.Add(InjectedFault.BadGateway);
                Assert.StartsWith("text/html", r.ContentType, StringComparison.Ordinal);
            }
            else
            {
                seen.Add(InjectedFault.InternalError);
                var reply = new Reply(r.Text);
                reply.AssertFail(91000);
                Assert.True(ResponseClassifier.IsTransientCode(91000));
            }
        }
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void A_dropped_connection_happens_after_the_change_was_applied()
    {
        var h = new ServiceHarness(o =>
        {
            o.FailRate = 1;
            o.Faults = new[] { InjectedFault.DropConnection };
        });

        var r = h.Raw(ImOperation.SetAttributeNames, """{"AttrNames":{"0":"sex"}}""");

        Assert.True(r.DropConnection);
        Assert.Equal(new[] { "sex" }, h.Service.RegisteredNames());
    }

    [Fact]
    public void Internal_errors_and_bad_gateways_apply_nothing()
    {
        var h = new ServiceHarness(o =>
        {
            o.FailRate = 1;
            o.Seed = 11;
            // Only the two kinds the test names: every call is one of them, so every turn of the loop asserts (it
            // used to draw from every kind and stop at the first dropped connection, after which nothing was checked).
            o.Faults = new[] { InjectedFault.InternalError, InjectedFault.BadGateway };
        });
        for (var i = 0; i < 100; i++)
        {
            var r = h.Raw(ImOperation.SetAttributeNames, $"{{\"AttrNames\":{{\"0\":\"n{i}\"}}}}");
            Assert.True(r.Status == 502 || r.Text.Contains("\"ErrorCode\":91000", StringComparison.Ordinal), r.Text);
            Assert.Empty(h.Service.RegisteredNames());
        }
        Assert.Equal(100, h.Service.InjectedFaults.Values.Sum());
        Assert.Equal(2, h.Service.InjectedFaults.Count(k => k.Value > 0));
    }

    [Fact]
    public void Each_failure_takes_the_next_kind_in_turn_so_every_kind_occurs()
    {
        var kinds = Enum.GetValues<InjectedFault>().Where(k => k != InjectedFault.None).ToArray();
        var injector = new FaultInjector(0.5, new Random(3), kinds);

        var failures = Enumerable.Range(0, 400).Select(_ => injector.Next()).Where(f => f != InjectedFault.None).ToList();

        Assert.Equal(kinds, failures.Take(kinds.Length));
        Assert.Equal(failures.GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count()), injector.Injected);
        Assert.Equal(kinds, injector.Injected.Keys.Order());
    }

    [Theory]
    [InlineData(nameof(InjectedFault.InternalError), false, "\"ErrorCode\":91000")]
    [InlineData(nameof(InjectedFault.RateLimited), false, "\"ErrorCode\":60007")]
    [InlineData(nameof(InjectedFault.BadGateway), false, "502 Bad Gateway")]
    [InlineData(nameof(InjectedFault.HtmlPage), false, "<!DOCTYPE html>")]
    [InlineData(nameof(InjectedFault.EmptyBody), false, "")]
    [InlineData(nameof(InjectedFault.WrongShape), false, "{\"result\":\"ok\",\"items\":[]}")]
    [InlineData(nameof(InjectedFault.OkWithErrorCode), false, "\"ErrorCode\":70500")]
    [InlineData(nameof(InjectedFault.DropConnection), true, "")]
    [InlineData(nameof(InjectedFault.Stall), true, "")]
    [InlineData(nameof(InjectedFault.Truncate), true, "{\"ActionStatus\":\"OK\"")]
    [InlineData(nameof(InjectedFault.MissingUser), true, "\"ErrorCode\":0")]
    public void Each_kind_applies_the_call_or_not_and_answers_as_documented(string faultName, bool applies, string answer)
    {
        var fault = Enum.Parse<InjectedFault>(faultName);
        var h = new ServiceHarness(o =>
        {
            o.FailRate = 1;
            o.Faults = new[] { fault };
        });

        var r = h.Raw(ImOperation.SetAttributeNames, """{"AttrNames":{"0":"sex"}}""");

        Assert.Equal(applies ? new[] { "sex" } : Array.Empty<string>(), h.Service.RegisteredNames());
        Assert.Equal(fault == InjectedFault.DropConnection, r.DropConnection);
        Assert.Equal(fault == InjectedFault.Stall, r.Stall);
        Assert.Equal(fault == InjectedFault.BadGateway ? 502 : r.DropConnection || r.Stall ? 0 : 200, r.Status);
        if (answer.Length > 0) Assert.Contains(answer, r.Text, StringComparison.Ordinal);
        else Assert.Empty(r.Body);
        if (fault == InjectedFault.Truncate) Assert.ThrowsAny<System.Text.Json.JsonException>(() => System.Text.Json.JsonDocument.Parse(r.Body));
        Assert.Equal(1, h.Service.InjectedFaults[fault]);
    }

    [Fact]
    public void A_missing_user_leaves_one_asked_for_user_out_of_a_get_answer()
    {
        var h = new ServiceHarness(o =>
        {
            o.FailRate = 0.5;
            o.Seed = 1;
            o.Faults = new[] { InjectedFault.MissingUser };
        });
        // The fault is drawn per call: call until a get met it (the first calls may pass untouched).
        for (var i = 0; i < 50 && !h.Service.InjectedFaults.ContainsKey(InjectedFault.MissingUser); i++)
        {
            var users = h.Call(ImOperation.GetAttributes, $"{{\"To_Account\":[{ServiceHarness.Accounts(5)}]}}").Users();
            Assert.Equal(h.Service.InjectedFaults.ContainsKey(InjectedFault.MissingUser) ? 4 : 5, users.Count);
        }
        Assert.True(h.Service.InjectedFaults.ContainsKey(InjectedFault.MissingUser));
    }

    [Fact]
    public void An_empty_or_none_list_of_kinds_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new FaultInjector(0.5, new Random(), Array.Empty<InjectedFault>()));
        Assert.Throws<ArgumentException>(() => new FaultInjector(0.5, new Random(), new[] { InjectedFault.None }));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Rates_outside_0_to_1_are_refused(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjector(rate, new Random()));

    [Fact]
    public void LateApply_holds_the_call_unanswered_and_applies_it_when_its_delay_has_passed()
    {
        var h = new ServiceHarness(o =>
        {
            o.FailRate = 1;
            o.Faults = new[] { InjectedFault.LateApply };
            o.MaxFaults = 1;
            o.LateApplyMs = 3000;
        });
        h.Raw(ImOperation.SetAttributeNames, """{"AttrNames":{"0":"tier"}}""");   // held: the names are not set yet
        Assert.Empty(h.Service.RegisteredNames());
        Assert.Equal(1, h.Service.HeldCalls);

        h.Clock.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.Equal(0, h.Service.LandDueCalls());
        Assert.Empty(h.Service.RegisteredNames());
        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        // The next call lands it first, then is answered: a read sees the stale call as soon as it is due.
        var answer = h.Raw(ImOperation.GetAttributeNames, "{}");
        Assert.Contains("tier", answer.Text, StringComparison.Ordinal);
        Assert.Equal(0, h.Service.HeldCalls);
        Assert.Equal(1, h.Service.InjectedFaults[InjectedFault.LateApply]);
    }

    [Fact]
    public void A_held_call_lands_over_what_was_written_after_it()
    {
        var h = new ServiceHarness(o =>
        {
            o.FailRate = 1;
            o.Faults = new[] { InjectedFault.LateApply };
            o.MaxFaults = 1;
            o.FaultApis = new[] { "im_set_attr" };
        });
        h.Raw(ImOperation.SetAttributeNames, """{"AttrNames":{"0":"tier"}}""");
        var held = h.Raw(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"x","Attrs":{"tier":"silver"}}]}""");
        Assert.True(held.Stall);
        h.Raw(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"x","Attrs":{"tier":"gold"}}]}""");
        Assert.Equal("gold", h.Service.AttributesOf("x")["tier"]);
        h.Clock.Advance(TimeSpan.FromMilliseconds(new EmulatorOptions().LateApplyMs));
        Assert.Equal(1, h.Service.LandDueCalls());
        Assert.Equal("silver", h.Service.AttributesOf("x")["tier"]);
    }

    [Fact]
    public void LostWrite_answers_a_write_OK_and_applies_nothing_and_answers_reads_normally()
    {
        var h = new ServiceHarness(o =>
        {
            o.FailRate = 1;
            o.Faults = new[] { InjectedFault.LostWrite };
            o.FaultApis = new[] { "im_set_attr", "im_get_attr" };
        });
        h.Raw(ImOperation.SetAttributeNames, """{"AttrNames":{"0":"tier"}}""");
        var write = h.Raw(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"x","Attrs":{"tier":"gold"}}]}""");
        Assert.Contains("\"ActionStatus\":\"OK\"", write.Text, StringComparison.Ordinal);
        Assert.Empty(h.Service.AttributesOf("x"));
        var read = h.Raw(ImOperation.GetAttributes, """{"To_Account":["x"]}""");
        Assert.Contains("\"To_Account\":\"x\"", read.Text, StringComparison.Ordinal);
        Assert.Equal(2, h.Service.InjectedFaults[InjectedFault.LostWrite]);
    }

    [Fact]
    public void MaxFaults_and_FaultApis_limit_what_is_struck()
    {
        var injector = new FaultInjector(1, new Random(1), new[] { InjectedFault.InternalError }, maxFaults: 2, apis: new[] { "im_set_attr" });
        Assert.Equal(InjectedFault.None, injector.Next("im_get_attr"));
        Assert.Equal(InjectedFault.InternalError, injector.Next("im_set_attr"));
        Assert.Equal(InjectedFault.None, injector.Next("im_get_attr"));
        Assert.Equal(InjectedFault.InternalError, injector.Next("im_set_attr"));
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(InjectedFault.None, injector.Next("im_set_attr")));
    }
}
