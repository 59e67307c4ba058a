using System;
using System.Collections.Generic;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests;

[Collection("Session")]
public class ConnectionTests : IDisposable
{
    // The scope stands for a runspace, as the cmdlets pass theirs.
    private readonly object _scope = new();

    public ConnectionTests() => ImSession.Clear(_scope);

    public void Dispose() => ImSession.Clear(_scope);

    private static Func<string, string?> Env(Dictionary<string, string> values) => name => values.TryGetValue(name, out var v) ? v : null;

    [Fact]
    public void Settings_are_checked_and_name_what_is_wrong()
    {
        ImConnectionSettings Good() => new() { SdkAppId = 1400000000, Identifier = "admin", UserSig = "sig" };
        using (ImConnection.Open(Good(), new StubHttpHandler())) { }
        Assert.Contains("SDKAppID", Assert.Throws<ArgumentException>(() => ImConnection.Open(new ImConnectionSettings { Identifier = "a", UserSig = "s" })).Message);
        Assert.Contains("identifier", Assert.Throws<ArgumentException>(() => ImConnection.Open(new ImConnectionSettings { SdkAppId = 1, UserSig = "s" })).Message);
        Assert.Contains("secret key or a UserSig", Assert.Throws<ArgumentException>(() => ImConnection.Open(new ImConnectionSettings { SdkAppId = 1, Identifier = "a" })).Message);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => ImConnection.Open(new ImConnectionSettings { SdkAppId = 1, Identifier = "a", UserSig = "s", SecretKey = new byte[] { 1 } })).Message);
        var s = Good(); s.Region = "Mars";
        Assert.Contains("not a Tencent Cloud IM region", Assert.Throws<ArgumentException>(() => ImConnection.Open(s)).Message);
        s = Good(); s.BaseUri = new Uri("http://example.com/");
        Assert.Contains("HTTPS", Assert.Throws<ArgumentException>(() => ImConnection.Open(s)).Message);
        s = Good(); s.ThrottleLimit = 0;
        Assert.Throws<ArgumentException>(() => ImConnection.Open(s));
    }

    [Fact]
    public void Region_picks_the_endpoint_and_shows_in_the_connection()
    {
        using var c = ImConnection.Open(new ImConnectionSettings { SdkAppId = 1400000000, Identifier = "admin", UserSig = "sig", Region = "singapore" }, new StubHttpHandler());
        Assert.Equal(new Uri("https://adminapisgp.im.qcloud.com/"), c.BaseUri);
        Assert.Equal("Singapore", c.Region);
        Assert.Equal(ImService.AllMemberPush, c.Service);
        using var d = ImConnection.Open(new ImConnectionSettings { SdkAppId = 1400000000, Identifier = "admin", UserSig = "sig" }, new StubHttpHandler());
        Assert.Equal("China", d.Region);
        Assert.Equal("https://console.tim.qq.com/", d.BaseUri.ToString());
    }

    [Fact]
    public void Environment_is_read_when_nothing_else_is_given()
    {
        var env = new Dictionary<string, string>
        {
            ["TENCENTIM_SDKAPPID"] = "1400000001",
            ["TENCENTIM_IDENTIFIER"] = "robot",
            ["TENCENTIM_SECRETKEY"] = TestConnections.SampleKey,
            ["TENCENTIM_REGION"] = "Tokyo",
            ["TENCENTIM_SERVICE"] = "push",
        };
        var c = ImSession.Resolve(null, _scope, Env(env));
        Assert.Equal(1400000001, c.SdkAppId);
        Assert.Equal("robot", c.Identifier);
        Assert.Equal("Tokyo", c.Region);
        Assert.Equal(ImService.Push, c.Service);
        Assert.Equal("SecretKey", c.Authentication);
        Assert.Equal("Environment", c.Origin);
        Assert.Same(c, ImSession.Resolve(null, _scope, Env(env))); // kept while the variables stay the same
        env["TENCENTIM_REGION"] = "Seoul";
        Assert.NotSame(c, ImSession.Resolve(null, _scope, Env(env)));
    }

    [Fact]
    public void Search_order_is_parameter_then_session_then_environment()
    {
        var env = new Dictionary<string, string> { ["TENCENTIM_SDKAPPID"] = "1400000001", ["TENCENTIM_IDENTIFIER"] = "robot", ["TENCENTIM_USERSIG"] = "sig", ["TENCENTIM_BASEURI"] = "http://127.0.0.1:5080/" };
        var fromEnv = ImSession.Resolve(null, _scope, Env(env));
        Assert.Equal("UserSig", fromEnv.Authentication);
        Assert.Equal(new Uri("http://127.0.0.1:5080/"), fromEnv.BaseUri);
        Assert.Null(fromEnv.Region);

        var session = TestConnections.Open(new StubHttpHandler());
        ImSession.SetCurrent(_scope, session);
        Assert.Same(session, ImSession.Resolve(null, _scope, Env(env)));
        using var explicitOne = TestConnections.Open(new StubHttpHandler());
        Assert.Same(explicitOne, ImSession.Resolve(explicitOne, _scope, Env(env)));
    }

    [Fact]
    public void Missing_environment_names_what_is_missing()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ImSession.Resolve(null, _scope, Env(new Dictionary<string, string> { ["TENCENTIM_SDKAPPID"] = "1" })));
        Assert.Contains("Connect-ImApp", e.Message);
        Assert.Contains("TENCENTIM_IDENTIFIER", e.Message);
        Assert.Contains("TENCENTIM_SECRETKEY (or TENCENTIM_USERSIG)", e.Message);
        Assert.DoesNotContain("TENCENTIM_SDKAPPID", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => ImSession.Resolve(null, _scope, Env(new Dictionary<string, string> { ["TENCENTIM_SDKAPPID"] = "abc", ["TENCENTIM_IDENTIFIER"] = "a", ["TENCENTIM_USERSIG"] = "s" })));
        Assert.Contains("not a number", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => ImSession.Resolve(null, _scope, Env(new Dictionary<string, string> { ["TENCENTIM_SDKAPPID"] = "1", ["TENCENTIM_IDENTIFIER"] = "a", ["TENCENTIM_USERSIG"] = "s", ["TENCENTIM_BASEURI"] = "http://example.com" })));
        Assert.Contains("HTTPS", e.Message);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_replaced_or_forgotten_connection_stays_usable()
    {
        var stub = new StubHttpHandler();
        var first = TestConnections.Open(stub);
        ImSession.SetCurrent(_scope, first);
        ImSession.SetCurrent(_scope, TestConnections.Open(new StubHttpHandler()));
        Assert.NotSame(first, ImSession.CurrentIn(_scope));
        ImSession.Clear(_scope);
        Assert.Null(ImSession.CurrentIn(_scope));
        await TencentImAttr.Core.Operations.AppAttributeNames.GetAsync(first, null, default);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public void Each_scope_has_its_own_connection_and_disconnecting_one_leaves_the_others()
    {
        var other = new object();
        var mine = TestConnections.Open(new StubHttpHandler());
        var theirs = TestConnections.Open(new StubHttpHandler());
        ImSession.SetCurrent(_scope, mine);
        // A scope that never connected does not see another's app.
        var none = new Dictionary<string, string>();
        Assert.Throws<InvalidOperationException>(() => ImSession.Resolve(null, other, Env(none)));
        ImSession.SetCurrent(other, theirs);
        Assert.Same(mine, ImSession.Resolve(null, _scope, Env(none)));
        Assert.Same(theirs, ImSession.Resolve(null, other, Env(none)));
        ImSession.Clear(other);
        Assert.Null(ImSession.CurrentIn(other));
        Assert.Same(mine, ImSession.CurrentIn(_scope));
        // An explicit connection works in any scope.
        Assert.Same(theirs, ImSession.Resolve(theirs, _scope, Env(none)));
    }

    [Fact]
    public void Scopes_that_see_the_same_environment_share_its_connection_and_others_do_not()
    {
        var env = new Dictionary<string, string> { ["TENCENTIM_SDKAPPID"] = "1400000001", ["TENCENTIM_IDENTIFIER"] = "robot", ["TENCENTIM_USERSIG"] = "sig" };
        var shared = ImSession.Resolve(null, _scope, Env(env));
        Assert.Same(shared, ImSession.Resolve(null, new object(), Env(env)));
        var different = new Dictionary<string, string>(env) { ["TENCENTIM_IDENTIFIER"] = "another" };
        Assert.NotSame(shared, ImSession.Resolve(null, new object(), Env(different)));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_disposed_connection_fails_clearly()
    {
        var connection = TestConnections.Open(new StubHttpHandler());
        connection.Dispose();
        var e = await Assert.ThrowsAsync<ImApiException>(() => TencentImAttr.Core.Operations.AppAttributeNames.GetAsync(connection, null, default));
        Assert.Contains("closed", e.Message);
        Assert.False(e.IsTransient);
    }
}

[CollectionDefinition("Session", DisableParallelization = true)]
public class SessionCollection
{
}
