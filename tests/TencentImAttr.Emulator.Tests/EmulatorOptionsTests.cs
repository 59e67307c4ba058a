using System.Net;

namespace TencentImAttr.Emulator.Tests;

public sealed class EmulatorOptionsTests
{
    [Fact]
    public void Defaults_are_a_loopback_emulator_with_the_sample_key()
    {
        var o = EmulatorOptions.Parse(new[] { "--port", "5080" })!;

        Assert.Equal(1400000000, o.SdkAppId);
        Assert.Equal("administrator", o.Admin);
        Assert.Equal(EmulatorOptions.SampleSecretKey, o.SecretKey);
        Assert.Contains("sample", o.SecretKey, StringComparison.Ordinal);
        Assert.Equal(IPAddress.Loopback, o.Host);
        Assert.Equal(5080, o.Port);
        Assert.Equal(100, o.Quota);
        Assert.Equal(0, o.LatencyMs);
        Assert.Equal(0, o.FailRate);
        Assert.Null(o.StateFile);
        Assert.Null(o.Seed);
        Assert.Null(o.UnknownUserPrefix);
        Assert.Equal(new[] { InjectedFault.InternalError, InjectedFault.BadGateway, InjectedFault.DropConnection }, o.Faults);
        Assert.Null(o.StaticUserSig);
    }

    [Fact]
    public void Every_option_is_read()
    {
        var o = EmulatorOptions.Parse(new[]
        {
            "--sdkappid", "1400000123", "--key=k", "--admin", "root", "--host", "0.0.0.0", "--port", "0", "--latency-ms", "25",
            "--fail-rate", "0.2", "--seed", "-3", "--quota", "0", "--state-file", "s.json", "--unknown-prefix", "ghost", "--verbose",
            "--faults", "stall, Truncate,MissingUser", "--static-usersig", "ready-made",
        })!;

        Assert.Equal(1400000123, o.SdkAppId);
        Assert.Equal("k", o.SecretKey);
        Assert.Equal("root", o.Admin);
        Assert.Equal(IPAddress.Any, o.Host);
        Assert.Equal(0, o.Port);
        Assert.Equal(25, o.LatencyMs);
        Assert.Equal(0.2, o.FailRate);
        Assert.Equal(-3, o.Seed);
        Assert.Equal(0, o.Quota);
        Assert.Equal("s.json", o.StateFile);
        Assert.Equal("ghost", o.UnknownUserPrefix);
        Assert.True(o.Verbose);
        Assert.Equal(new[] { InjectedFault.Stall, InjectedFault.Truncate, InjectedFault.MissingUser }, o.Faults);
        Assert.Equal("ready-made", o.StaticUserSig);
    }

    [Fact]
    public void Help_returns_null() => Assert.Null(EmulatorOptions.Parse(new[] { "--help" }));

    [Theory]
    [InlineData("--port", "70000")]
    [InlineData("--port", "x")]
    [InlineData("--fail-rate", "1.5")]
    [InlineData("--quota", "-1")]
    [InlineData("--sdkappid", "0")]
    [InlineData("--host", "example.com")]
    [InlineData("--key", "")]
    [InlineData("--faults", "Stall,Nope")]
    [InlineData("--faults", "None")]
    [InlineData("--faults", "9")]
    [InlineData("--faults", ",")]
    [InlineData("--static-usersig", "")]
    [InlineData("--nope", "1")]
    [InlineData("stray", "1")]
    public void Bad_values_are_refused_with_the_option_named(string name, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { name, value }));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_value_is_refused() =>
        Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--port" }));

    [Fact]
    public void Late_apply_max_faults_and_fault_apis_are_read()
    {
        var o = EmulatorOptions.Parse(new[] { "--faults", "LateApply,LostWrite", "--late-apply-ms", "8000", "--max-faults", "1", "--fault-apis", "im_set_attr, set_attr" })!;
        Assert.Equal(new[] { InjectedFault.LateApply, InjectedFault.LostWrite }, o.Faults);
        Assert.Equal(8000, o.LateApplyMs);
        Assert.Equal(1, o.MaxFaults);
        Assert.Equal(new[] { "im_set_attr", "set_attr" }, o.FaultApis);
        Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--fault-apis", "im_nothing" }));
        Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--max-faults", "-1" }));
        Assert.Contains("--late-apply-ms", EmulatorOptions.Usage, StringComparison.Ordinal);
        Assert.Contains("LateApply", EmulatorOptions.Usage, StringComparison.Ordinal);
    }
}
