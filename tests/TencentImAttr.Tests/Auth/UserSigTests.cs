using System;
using System.Text;
using System.Text.Json;
using TencentImAttr.Testing;
using TencentImAttr.Core.Auth;
using Xunit;

namespace TencentImAttr.Tests.Auth;

public class UserSigTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(TestConnections.SampleKey);

    [Theory]
    [InlineData("xiaojun", 15552000L, "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=")]
    [InlineData("administrator", 86400L, "yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=")]
    public void Signature_matches_the_documented_check_values(string identifier, long expire, string expected)
    {
        Assert.Equal(expected, UserSigGenerator.ComputeSignature(1400000000, identifier, Key, 1700000000, expire));
    }

    [Fact]
    public void Generated_sig_decompresses_to_the_documented_json()
    {
        var sig = UserSigGenerator.Generate(1400000000, "xiaojun", Key, DateTimeOffset.FromUnixTimeSeconds(1700000000), TimeSpan.FromSeconds(15552000));
        Assert.DoesNotContain("+", sig);
        Assert.DoesNotContain("/", sig);
        Assert.DoesNotContain("=", sig);
        var raw = Convert.FromBase64String(sig.Replace('*', '+').Replace('-', '/').Replace('_', '='));
        Assert.Equal(0x78, raw[0]);
        Assert.Equal(0, ((raw[0] << 8) | raw[1]) % 31);
        using var doc = JsonDocument.Parse(UserSigGenerator.ZlibDecompress(raw));
        var root = doc.RootElement;
        Assert.Equal("2.0", root.GetProperty("TLS.ver").GetString());
        Assert.Equal("xiaojun", root.GetProperty("TLS.identifier").GetString());
        Assert.Equal(1400000000, root.GetProperty("TLS.sdkappid").GetInt64());
        Assert.Equal(1700000000, root.GetProperty("TLS.time").GetInt64());
        Assert.Equal(15552000, root.GetProperty("TLS.expire").GetInt64());
        Assert.Equal("LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=", root.GetProperty("TLS.sig").GetString());
    }

    [Fact]
    public void Parsed_sig_verifies_with_its_key_and_not_with_another()
    {
        var sig = UserSigGenerator.Generate(1400000000, "administrator", Key, DateTimeOffset.FromUnixTimeSeconds(1700000000), TimeSpan.FromDays(1));
        Assert.True(UserSigInfo.TryParse(sig, out var info));
        Assert.Equal("administrator", info!.Identifier);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000 + 86400), info.ExpiresAt);
        Assert.True(info.IsSignedWith(Key));
        Assert.False(info.IsSignedWith(Encoding.UTF8.GetBytes("another key")));
        Assert.DoesNotContain(info.Signature, info.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a sig")]
    [InlineData("eJyrVspMSY0vSS0uUbJSMjIwMFDSUUpLLSrOzM8DAJOPCCk_")]
    public void Garbage_does_not_parse(string sig) => Assert.False(UserSigInfo.TryParse(sig, out _));

    [Theory]
    [InlineData(1700000000L, 9000000000000000000L)]
    [InlineData(-99999999999999L, 86400L)]
    public void Out_of_range_times_do_not_parse(long time, long expire)
    {
        var json = System.Text.Encoding.UTF8.GetBytes($"{{\"TLS.ver\":\"2.0\",\"TLS.identifier\":\"a\",\"TLS.sdkappid\":1,\"TLS.time\":{time},\"TLS.expire\":{expire},\"TLS.sig\":\"x\"}}");
        var sig = UserSigGenerator.ToUrlSafe(Convert.ToBase64String(UserSigGenerator.ZlibCompress(json)));
        Assert.False(UserSigInfo.TryParse(sig, out _));
        Assert.Null(new StaticUserSig(sig).ExpiresAt);
    }

    [Fact]
    public void A_lifetime_past_the_calendar_expires_at_its_end()
    {
        var json = System.Text.Encoding.UTF8.GetBytes("{\"TLS.ver\":\"2.0\",\"TLS.identifier\":\"a\",\"TLS.sdkappid\":1,\"TLS.time\":1700000000,\"TLS.expire\":300000000000,\"TLS.sig\":\"x\"}");
        var sig = UserSigGenerator.ToUrlSafe(Convert.ToBase64String(UserSigGenerator.ZlibCompress(json)));
        Assert.True(UserSigInfo.TryParse(sig, out var info));
        Assert.Equal(DateTimeOffset.MaxValue, info!.ExpiresAt);
    }

    [Fact]
    public void Zlib_round_trip_and_adler32_known_value()
    {
        Assert.Equal(0x11E60398u, UserSigGenerator.Adler32(Encoding.ASCII.GetBytes("Wikipedia")));
        var data = Encoding.UTF8.GetBytes(new string('x', 5000) + "end");
        Assert.Equal(data, UserSigGenerator.ZlibDecompress(UserSigGenerator.ZlibCompress(data)));
        var corrupt = UserSigGenerator.ZlibCompress(data);
        corrupt[corrupt.Length - 1] ^= 0xFF;
        Assert.Throws<System.IO.InvalidDataException>(() => UserSigGenerator.ZlibDecompress(corrupt));
    }

    [Fact]
    public void Generated_source_renews_before_expiry_and_on_demand()
    {
        var clock = new ManualClock();
        var source = new GeneratedUserSig(1400000000, "administrator", Key, TimeSpan.FromHours(2), clock);
        Assert.Null(source.ExpiresAt);
        var first = source.Current();
        Assert.True(UserSigInfo.TryParse(first, out var info));
        Assert.True(info!.IsSignedWith(Key));
        // Dated a minute back, valid for the lifetime: expires 1h59m from now.
        Assert.Equal(clock.UtcNow - TimeSpan.FromMinutes(1) + TimeSpan.FromHours(2), source.ExpiresAt);
        Assert.Equal(TimeSpan.FromMinutes(12), source.RenewBefore);

        clock.Advance(TimeSpan.FromMinutes(100));
        Assert.Same(first, source.Current());
        clock.Advance(TimeSpan.FromMinutes(8)); // 1h48m in: within 12 minutes of expiry
        var second = source.Current();
        Assert.NotEqual(first, second);
        Assert.True(source.ExpiresAt > clock.UtcNow + TimeSpan.FromHours(1.9));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(source.TryRenew(first)); // an old rejection: the current UserSig stands
        Assert.Same(second, source.Current());
        Assert.True(source.TryRenew(second));
        var third = source.Current();
        Assert.NotEqual(second, third);
        Assert.Equal(new[] { first, second, third }, source.Recent());
    }

    [Fact]
    public void Static_source_reports_expiry_when_readable_and_cannot_renew()
    {
        var sig = UserSigGenerator.Generate(1400000000, "administrator", Key, DateTimeOffset.FromUnixTimeSeconds(1700000000), TimeSpan.FromDays(1));
        var source = new StaticUserSig(sig);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700086400), source.ExpiresAt);
        Assert.False(source.TryRenew(sig));
        Assert.Null(new StaticUserSig("opaque-token").ExpiresAt);
        Assert.Equal("UserSig", source.ToString());
    }

    [Fact]
    public void Lifetime_below_ten_minutes_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeneratedUserSig(1, "a", Key, TimeSpan.FromMinutes(5)));
}
