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
        });
        for (var i = 0; i < 100; i++)
        {
            var r = h.Raw(ImOperation.SetAttributeNames, $"{{\"AttrNames\":{{\"0\":\"n{i}\"}}}}");
            if (r.DropConnection) return;   // from here on the store may change
            Assert.Empty(h.Service.RegisteredNames());
        }
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void Rates_outside_0_to_1_are_refused(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjector(rate, new Random()));
}
