using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Engine;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Trust;

/// <summary>The real HTTP stack (no stub handler) against hostile servers on 127.0.0.1.</summary>
public class TransportTests
{
    private const string OkNames = "{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"ErrorInfo\":\"\",\"AttrNames\":{\"0\":\"city\"}}";

    private static ImConnection Open(Uri baseUri, int maxRetry = 3) => ImConnection.Open(new ImConnectionSettings
    {
        SdkAppId = TestConnections.AppId,
        Identifier = TestConnections.Admin,
        UserSig = "test-usersig-SENTINEL",
        BaseUri = baseUri,
        MaxRetry = maxRetry,
        CallsPerSecond = 0,
        Timeout = TimeSpan.FromSeconds(60),
    }, handler: null, clock: new InstantClock());

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_is_never_followed_nor_retried_and_names_only_the_target_host(int status)
    {
        using var elsewhere = new HostileServer((_, s, t) => HostileServer.WriteAsync(s, "200 OK", "Content-Type: application/json\r\n", Encoding.UTF8.GetBytes(OkNames), t));
        var target = new Uri(elsewhere.BaseUri, "v4/steal?usersig=LEAKED-QUERY&x=1");
        using var server = new HostileServer((_, s, t) => HostileServer.WriteAsync(s, $"{status} Moved", $"Location: {target}\r\n", Array.Empty<byte>(), t));
        using var connection = Open(server.BaseUri);

        var e = await Assert.ThrowsAsync<ImApiException>(() => AppAttributeNames.GetAsync(connection, null, default));

        Assert.Equal("ImHttpError" + status, e.ErrorId);
        Assert.False(e.IsTransient);
        Assert.Equal(1, server.Requests);
        Assert.Equal(0, elsewhere.Requests);
        Assert.Contains("'127.0.0.1'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LEAKED", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("steal", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_redirect_fails_every_user_of_a_set_instead_of_reporting_them_done()
    {
        using var elsewhere = new HostileServer((_, s, t) => HostileServer.WriteAsync(s, "200 OK", "", Encoding.UTF8.GetBytes("{\"ActionStatus\":\"OK\",\"ErrorCode\":0}"), t));
        using var server = new HostileServer((_, s, t) => HostileServer.WriteAsync(s, "302 Found", $"Location: {elsewhere.BaseUri}ok\r\n", Array.Empty<byte>(), t));
        using var connection = Open(server.BaseUri);
        var sink = new CollectingSink<UserAttributes>();
        using (var engine = new BatchEngine<SetItem, UserAttributes>(new SetAttributesOperation(connection), new EngineOptions(), sink))
        {
            foreach (var user in new[] { "u1", "u2", "u3" }) engine.Add(InputReader.ForSet(user, new System.Collections.Hashtable { ["city"] = "x" }, ImService.AllMemberPush).Item!);
            engine.Complete();
        }
        Assert.Empty(sink.Results);
        Assert.Equal(new object[] { "u1", "u2", "u3" }, sink.Failures.Select(f => f.TargetObject).ToArray());
        Assert.All(sink.Failures, f => Assert.Equal("ImHttpError302", f.ErrorId));
        Assert.Equal(0, elsewhere.Requests);
    }

    [Fact]
    public async Task A_declared_body_over_the_cap_is_refused_unread_and_not_retried()
    {
        using var server = new HostileServer(async (_, s, t) =>
        {
            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {BoundedResponseReader.MaxResponseBytes + 1}\r\nConnection: close\r\n\r\n");
            await s.WriteAsync(head, t);
            var chunk = new byte[64 * 1024];
            for (var sent = 0; sent <= BoundedResponseReader.MaxResponseBytes; sent += chunk.Length) await s.WriteAsync(chunk, t);
        });
        using var connection = Open(server.BaseUri);
        var e = await Assert.ThrowsAsync<ImApiException>(() => AppAttributeNames.GetAsync(connection, null, default));
        Assert.Equal("ImResponseTooLarge", e.ErrorId);
        Assert.False(e.IsTransient);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task An_endless_chunked_body_stops_at_the_cap()
    {
        var written = 0L;
        using var server = new HostileServer(async (_, s, t) =>
        {
            await s.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"), t);
            var data = Encoding.ASCII.GetBytes(new string(' ', 32 * 1024));
            var chunk = Encoding.ASCII.GetBytes($"{data.Length:X}\r\n").Concat(data).Concat(Encoding.ASCII.GetBytes("\r\n")).ToArray();
            // Endless as far as the client can tell; bounded here so that the test server stops by itself.
            for (var i = 0; i < 64 * 1024 && !t.IsCancellationRequested; i++)
            {
                await s.WriteAsync(chunk, t);
                written += data.Length;
            }
        });
        using var connection = Open(server.BaseUri);
        var e = await Assert.ThrowsAsync<ImApiException>(() => AppAttributeNames.GetAsync(connection, null, default));
        Assert.Equal("ImResponseTooLarge", e.ErrorId);
        Assert.Equal(1, server.Requests);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task A_compressed_body_that_inflates_past_the_cap_stops_at_the_cap(string encoding)
    {
        // 64 MiB of spaces compress to about 64 KB: the cap must count what comes out of the decompressor.
        var bomb = new MemoryStream();
        using (Stream z = encoding == "gzip" ? new GZipStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true) : new ZLibStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var block = Encoding.ASCII.GetBytes(new string(' ', 1024 * 1024));
            for (var i = 0; i < 64; i++) z.Write(block);
        }
        var compressed = bomb.ToArray();
        Assert.True(compressed.Length < BoundedResponseReader.MaxResponseBytes / 4);
        using var server = new HostileServer((_, s, t) => HostileServer.WriteAsync(s, "200 OK", $"Content-Type: application/json\r\nContent-Encoding: {encoding}\r\n", compressed, t));
        using var connection = Open(server.BaseUri);
        var e = await Assert.ThrowsAsync<ImApiException>(() => AppAttributeNames.GetAsync(connection, null, default));
        Assert.Equal("ImResponseTooLarge", e.ErrorId);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public void A_legitimate_answer_of_the_largest_size_is_read()
    {
        // 100 users with 10 attributes of 50 bytes, every character JSON-escaped: the largest honest get answer.
        var value = string.Concat(Enumerable.Repeat("\\u4E2D", 16));
        var users = string.Join(",", Enumerable.Range(0, 100).Select(u =>
            $"{{\"To_Account\":\"user{u}\",\"Attrs\":{{{string.Join(",", Enumerable.Range(0, 10).Select(a => $"\"{value}{a}\":\"{value}\""))}}}}}"));
        var body = Encoding.UTF8.GetBytes("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"UserAttrs\":[" + users + "]}");
        using var server = new HostileServer((_, s, t) => HostileServer.WriteAsync(s, "200 OK", "Content-Type: application/json\r\n", body, t));
        using var connection = Open(server.BaseUri);
        var sink = new CollectingSink<UserAttributes>();
        using (var engine = new BatchEngine<GetItem, UserAttributes>(new GetAttributesOperation(connection), new EngineOptions(), sink))
        {
            for (var u = 0; u < 100; u++) engine.Add(InputReader.ForGet("user" + u, ImService.AllMemberPush).Item!);
            engine.Complete();
        }
        Assert.Empty(sink.Failures);
        Assert.Equal(100, sink.Results.Count);
        Assert.All(sink.Results, r => Assert.Equal(10, r.Attributes.Count));
    }

    [Fact]
    public async Task A_utf8_byte_order_mark_before_the_json_is_accepted()
    {
        var stub = new StubHttpHandler().EnqueueJson("\uFEFF" + OkNames);
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        var names = await AppAttributeNames.GetAsync(connection, null, default);
        Assert.Equal("city", Assert.Single(names).Name);
    }

    [Theory]
    [InlineData("https://proxy.example/im/api", "/im/api/v4/all_member_push/im_get_attr_name")]
    [InlineData("https://proxy.example/im/api/", "/im/api/v4/all_member_push/im_get_attr_name")]
    [InlineData("https://proxy.example", "/v4/all_member_push/im_get_attr_name")]
    public async Task A_base_uri_with_a_path_keeps_its_path(string baseUri, string path)
    {
        var stub = new StubHttpHandler().EnqueueJson(OkNames);
        using var connection = ImConnection.Open(new ImConnectionSettings
        {
            SdkAppId = TestConnections.AppId, Identifier = TestConnections.Admin, UserSig = "sig", BaseUri = new Uri(baseUri),
        }, stub, new InstantClock());
        await AppAttributeNames.GetAsync(connection, null, default);
        Assert.Equal(path, stub.Requests.Single().Uri.AbsolutePath);
    }

    [Fact]
    public void Riyadh_is_a_region()
    {
        Assert.Equal(new Uri("https://adminapiksa.im.qcloud.com/"), ImRegions.BaseUri("Riyadh"));
        Assert.Contains("Riyadh", ImRegions.Names);
        Assert.Equal("Riyadh", ImRegions.RegionOf(new Uri("https://adminapiksa.im.qcloud.com/")));
        var validateSet = ModuleFiles.Attribute<System.Management.Automation.ValidateSetAttribute>(typeof(TencentImAttr.Cmdlets.ConnectImAppCommand).GetProperty("Region")!)!;
        var values = ((System.Collections.ObjectModel.ReadOnlyCollection<System.Reflection.CustomAttributeTypedArgument>)validateSet.ConstructorArguments[0].Value!).Select(a => (string)a.Value!);
        Assert.Equal(ImRegions.Names.OrderBy(n => n), values.OrderBy(n => n));
    }
}
