using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using Xunit;

namespace TencentImAttr.Tests.Api;

/// <summary>The reader's paths by declared length: exact, more than declared, less than declared, past the cap, and unknown.</summary>
public class BoundedResponseReaderTests
{
    private static StreamContent Body(int actual, long? declared)
    {
        var content = new StreamContent(new MemoryStream(Enumerable.Range(0, actual).Select(i => (byte)(i % 251)).ToArray()));
        content.Headers.ContentLength = declared;
        return content;
    }

    private static Task<byte[]?> Read(int actual, long? declared, int cap = 1000) => BoundedResponseReader.ReadAsync(Body(actual, declared), cap, CancellationToken.None);

    [Theory]
    [InlineData(700, 700)]     // as declared
    [InlineData(700, 500)]     // more than declared (a decompressed body): the rest is read too, under the cap
    [InlineData(300, 500)]     // fewer than declared: what came
    [InlineData(700, null)]    // no length declared
    [InlineData(1000, 1000)]   // exactly the cap
    public async Task Reads_the_whole_body_whatever_was_declared_up_to_the_cap(int actual, int? declared)
    {
        var body = await Read(actual, declared);
        Assert.NotNull(body);
        Assert.Equal(Enumerable.Range(0, actual).Select(i => (byte)(i % 251)), body!);
    }

    [Theory]
    [InlineData(1001, 1000)]   // declared at the cap, one byte more sent
    [InlineData(1001, 600)]    // declared under the cap, more than the cap sent
    [InlineData(1001, null)]   // nothing declared
    [InlineData(10, 1001)]     // declared past the cap: refused before reading
    public async Task Refuses_a_body_past_the_cap(int actual, int? declared) => Assert.Null(await Read(actual, declared));

    [Fact]
    public async Task A_declared_length_over_the_exact_read_limit_is_read_through_the_capped_loop()
    {
        // A body declared far larger than it is, and larger than the module sizes an array for up front.
        var cap = BoundedResponseReader.ExactAtMost * 4;
        var body = await BoundedResponseReader.ReadAsync(Body(2000, BoundedResponseReader.ExactAtMost + 1), cap, CancellationToken.None);
        Assert.Equal(2000, body!.Length);
    }
}
