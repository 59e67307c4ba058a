using System.Text;
using TencentImAttr.Core.Api;

namespace TencentImAttr.Emulator.Tests;

/// <summary>The query checks: each broken rule answers its own documented code, and nothing is applied.</summary>
public sealed class AuthenticationTests
{
    private readonly ServiceHarness _h = new();

    private Reply GetNames(Action<Dictionary<string, string>> query) => _h.Call(ImOperation.GetAttributeNames, "{}", query: query);

    [Fact]
    public void A_correct_query_passes() => GetNames(_ => { }).AssertOk();

    [Fact]
    public void A_static_user_sig_passes_as_it_is_for_the_administrator_only()
    {
        var h = new ServiceHarness(o => o.StaticUserSig = "ready-made");
        h.Call(ImOperation.GetAttributeNames, "{}", query: q => q["usersig"] = "ready-made").AssertOk();
        h.Call(ImOperation.GetAttributeNames, "{}", query: q => { q["usersig"] = "ready-made"; q["identifier"] = "someone"; }).AssertFail(90009);
        // Any other UserSig is still decoded and verified; the app's own checks still come first.
        h.Call(ImOperation.GetAttributeNames, "{}", query: q => q["usersig"] = "ready-made-not").AssertFail(70003);
        h.Call(ImOperation.GetAttributeNames, "{}", query: q => { q["usersig"] = "ready-made"; q["sdkappid"] = "1400000001"; }).AssertFail(70020);
        h.Call(ImOperation.GetAttributeNames, "{}").AssertOk();
    }

    [Fact]
    public void Without_the_option_no_user_sig_passes_undecoded() =>
        GetNames(q => q["usersig"] = "stub-usersig").AssertFail(70003);

    [Fact]
    public void Missing_user_sig_is_70002()
    {
        GetNames(q => q.Remove("usersig")).AssertFail(70002);
        GetNames(q => q["usersig"] = "").AssertFail(70002);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("eJyrVspNTVeyUkpVqgUAGS4D5w__")]
    public void Undecodable_user_sig_is_70003(string sig) => GetNames(q => q["usersig"] = sig).AssertFail(70003);

    [Fact]
    public void Truncated_user_sig_is_70003()
    {
        var sig = _h.Sig();
        GetNames(q => q["usersig"] = sig[..(sig.Length / 2)]).AssertFail(70003);
    }

    [Fact]
    public void User_sig_with_an_absurd_lifetime_is_read_not_a_crash()
    {
        // TLS.expire near long's end: read as a number (no overflow), then judged as any other: this one's TLS.sig is not
        // the HMAC of its lines (70005); signed, it never expires.
        string Sig(string tlsSig) => ZlibUrlSafe(Encoding.UTF8.GetBytes($"{{\"TLS.ver\":\"2.0\",\"TLS.identifier\":\"administrator\",\"TLS.sdkappid\":{ServiceHarness.AppId},\"TLS.expire\":9000000000000000000,\"TLS.time\":1700000000,\"TLS.sig\":\"{tlsSig}\"}}"));
        GetNames(q => q["usersig"] = Sig("x")).AssertFail(70005);

        var lines = $"TLS.identifier:administrator\nTLS.sdkappid:{ServiceHarness.AppId}\nTLS.time:1700000000\nTLS.expire:9000000000000000000\n";
        var signed = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(ServiceHarness.Key), Encoding.UTF8.GetBytes(lines)));
        GetNames(q => q["usersig"] = Sig(signed)).AssertOk();
    }

    /// <summary>
    /// The check values of the document (shared/API.md, "UserSig (TLS signature v2)"): the emulator's own reading of a
    /// signature accepts them with the sample key and refuses them with any other, independent of the module's generator.
    /// </summary>
    [Theory]
    [InlineData("xiaojun", 15552000L, "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=")]
    [InlineData("administrator", 86400L, "yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=")]
    public void The_documents_check_values_verify_with_the_emulators_own_reading(string identifier, long expire, string tlsSig)
    {
        const string sampleKey = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
        var json = $"{{\"TLS.ver\":\"2.0\",\"TLS.identifier\":\"{identifier}\",\"TLS.sdkappid\":1400000000,\"TLS.expire\":{expire},\"TLS.time\":1700000000,\"TLS.sig\":\"{tlsSig}\"}}";
        var read = TlsSignatureV2.TryRead(ZlibUrlSafe(Encoding.UTF8.GetBytes(json)));
        Assert.NotNull(read);
        Assert.Equal((identifier, 1400000000L, 1700000000L, expire), (read.Identifier, read.SdkAppId, read.Time, read.Expire));
        Assert.True(read.IsSignedWith(Encoding.UTF8.GetBytes(sampleKey)));
        Assert.False(read.IsSignedWith(Encoding.UTF8.GetBytes(sampleKey + "0")));
        Assert.False(read.IsExpiredAt(DateTimeOffset.FromUnixTimeSeconds(1700000000 + expire - 1)));
        Assert.True(read.IsExpiredAt(DateTimeOffset.FromUnixTimeSeconds(1700000000 + expire)));
    }

    [Fact]
    public void User_sig_signed_with_another_key_is_70005() => GetNames(q => q["usersig"] = _h.Sig(key: "another-key")).AssertFail(70005);

    [Fact]
    public void User_sig_made_for_another_app_is_70014() => GetNames(q => q["usersig"] = _h.Sig(appId: 1400000001)).AssertFail(70014);

    [Fact]
    public void User_sig_made_for_another_identifier_is_70013()
    {
        GetNames(q => q["usersig"] = _h.Sig(identifier: "someone")).AssertFail(70013);
        GetNames(q => q["identifier"] = "someone").AssertFail(70013);
        GetNames(q => q.Remove("identifier")).AssertFail(70013);
    }

    [Fact]
    public void Expired_user_sig_is_70001()
    {
        var sig = _h.Sig(lifetime: TimeSpan.FromMinutes(10));
        GetNames(q => q["usersig"] = sig).AssertOk();

        _h.Clock.Advance(TimeSpan.FromMinutes(10));

        GetNames(q => q["usersig"] = sig).AssertFail(70001);
    }

    [Fact]
    public void Query_for_another_app_is_70020_and_missing_or_bad_app_ids_have_their_own_codes()
    {
        GetNames(q => q["sdkappid"] = "1400000001").AssertFail(70020);
        GetNames(q => q.Remove("sdkappid")).AssertFail(60012);
        GetNames(q => q["sdkappid"] = "14x").AssertFail(60006);
    }

    [Fact]
    public void A_valid_user_sig_of_a_non_administrator_is_90009()
    {
        GetNames(q =>
        {
            q["identifier"] = "alice";
            q["usersig"] = _h.Sig(identifier: "alice");
        }).AssertFail(90009);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4294967295")]
    public void Random_accepts_the_whole_unsigned_32_bit_range(string random) => GetNames(q => q["random"] = random).AssertOk();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("4294967296")]
    [InlineData("12a")]
    [InlineData("1.5")]
    public void Random_outside_the_unsigned_32_bit_range_is_60002(string? random) =>
        GetNames(q =>
        {
            if (random is null) q.Remove("random");
            else q["random"] = random;
        }).AssertFail(60002);

    [Theory]
    [InlineData(null)]
    [InlineData("xml")]
    [InlineData("JSON")]
    public void Content_type_must_be_json(string? contentType) =>
        GetNames(q =>
        {
            if (contentType is null) q.Remove("contenttype");
            else q["contenttype"] = contentType;
        }).AssertFail(60002);

    [Fact]
    public void Query_names_are_case_sensitive() =>
        GetNames(q =>
        {
            q["UserSig"] = q["usersig"];
            q.Remove("usersig");
        }).AssertFail(70002);

    [Fact]
    public void A_refused_call_changes_nothing()
    {
        _h.Register("sex");

        _h.Call(ImOperation.SetAttributes, """{"UserAttrs":[{"To_Account":"u1","Attrs":{"sex":"F"}}]}""", query: q => q["usersig"] = _h.Sig(key: "bad")).AssertFail(70005);

        Assert.Empty(_h.Service.AttributesOf("u1"));
    }

    private static string ZlibUrlSafe(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(data);
        }
        return Convert.ToBase64String(output.ToArray()).Replace('+', '*').Replace('/', '-').Replace('=', '_');
    }
}
