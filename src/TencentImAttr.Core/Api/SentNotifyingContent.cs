using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace TencentImAttr.Core.Api;

/// <summary>
/// A request body that says when the HTTP stack has written it to the connection: the moment the call really went
/// out, which the quota counts from (a send that a busy machine held back after the call was let start would
/// otherwise squeeze more calls into the server's window than the limit).
/// </summary>
internal sealed class SentNotifyingContent : ByteArrayContent
{
    private readonly byte[] _body;
    private readonly Action? _sent;
    private readonly Action? _writing;

    /// <summary><paramref name="sent"/> is called once the body is written; <paramref name="writing"/> as it begins to be (until then the request cannot have reached the service).</summary>
    public SentNotifyingContent(byte[] body, Action? sent, Action? writing = null)
        : base(body)
    {
        _body = body;
        _sent = sent;
        _writing = writing;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        _writing?.Invoke();
        await stream.WriteAsync(_body, 0, _body.Length).ConfigureAwait(false);
        _sent?.Invoke();
    }
}
