using System.Text;

namespace TencentImAttr.Emulator;

/// <summary>What the HTTP layer must do with a call: answer with a status and a body, cut the connection, or never answer.</summary>
internal sealed class EmulatorResponse
{
    private EmulatorResponse(int status, byte[] body, string contentType, bool drop, bool stall = false)
    {
        Status = status;
        Body = body;
        ContentType = contentType;
        DropConnection = drop;
        Stall = stall;
    }

    /// <summary>The HTTP status: 200 for every API outcome, as on the real service; other values are gateway faults.</summary>
    public int Status { get; }

    /// <summary>The body bytes.</summary>
    public byte[] Body { get; }

    /// <summary>The body's media type.</summary>
    public string ContentType { get; }

    /// <summary>Abort the connection without an answer (an injected fault).</summary>
    public bool DropConnection { get; }

    /// <summary>Hold the connection open without answering until the client gives up (an injected fault).</summary>
    public bool Stall { get; }

    /// <summary>The body as text, for tests and logs.</summary>
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>A JSON answer with HTTP 200.</summary>
    public static EmulatorResponse Json(byte[] body) => new(200, body, "application/json; charset=utf-8", false);

    /// <summary>A non-200 answer, as a gateway sends it: a small HTML page.</summary>
    public static EmulatorResponse Http(int status, string reason) =>
        new(status, Encoding.UTF8.GetBytes($"<html><head><title>{status} {reason}</title></head><body><h1>{status} {reason}</h1></body></html>"), "text/html; charset=utf-8", false);

    /// <summary>An HTML page with HTTP 200, as a proxy that answers for the service sends it.</summary>
    public static EmulatorResponse Page(string html) => new(200, Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", false);

    /// <summary>No answer at all.</summary>
    public static EmulatorResponse Dropped { get; } = new(0, Array.Empty<byte>(), "", true);

    /// <summary>No answer, and no end to the wait either.</summary>
    public static EmulatorResponse Stalled { get; } = new(0, Array.Empty<byte>(), "", false, stall: true);
}
