using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;

namespace TencentImAttr.Emulator.Tests;

/// <summary>Injected transient failures: their share, their kinds, their effect, and their repeatability with a seed.</summary>
public sealed class FaultInjectionTests
{
    [Fact]
    public void NoFaultsByDefault()
    {
        var injector = new FaultInjector(0, new Random(1));

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.Equal(InjectedFault.None, injector.Next()));
    }

    [Fact]
    public void TheRateIsTheShareOfFailuresSplitEvenlyAmongTheThreeKinds()
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
    public void ASeedRepeatsTheSameFaults()
    {
        var first = new FaultInjector(0.5, new Random(123));
        var second = new FaultInjector(0.5, new Random(123));

        Assert.Equal(Enumerable.Range(0, 200).Select(_ => first.Next()), Enumerable.Range(0, 200).Select(_ => second.Next()));
    }

    [Fact]
    public void TheServiceWithASeedAnswersTheSameSequence()
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
    public void EachKindLooksLikeWhatItImitates()
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
    public void ADroppedConnectionHappensAfterTheChangeWasApplied()
    {
        // Find a seed whose first draw is a dropped connection, then set through it.
        var seed = Enumerable.Range(0, 1000).First(s => new FaultInjector(1, new Random(s)).Next() == InjectedFault.DropConnection);
        var h = new ServiceHarness(o =>
        {
            o.FailRate = 1;
            o.Seed = seed;
        });

        var r = h.Raw(ImOperation.SetAttributeNames, """{"AttrNames":{"0":"sex"}}""");

        Assert.True(r.DropConnection);
        Assert.Equal(new[] { "sex" }, h.Service.RegisteredNames());
    }

    [Fact]
    public void InternalErrorsAndBadGatewaysApplyNothing()
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
    public void RatesOutside0To1AreRefused(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultInjector(rate, new Random()));
}
