using System.Net.Http;
using System.Threading;

namespace TencentImAttr;

/// <summary>
/// The tests' way to replace the network: the HTTP handler that the connections Connect-ImApp opens send through
/// (the Pester suites' stub), set by TencentImAttr.Testing's <c>ModuleTestSeam</c>. It is deliberately not a
/// parameter, so that it never shows in a syntax line, in help or in tab completion; nothing outside the test helper
/// assembly can reach it (internal, visible to TencentImAttr.Testing only).
/// </summary>
internal static class TestSeam
{
    private static HttpMessageHandler? _handler;

    /// <summary>The handler for connections opened from now on; null (the default) means the real network.</summary>
    internal static HttpMessageHandler? Handler
    {
        get => Volatile.Read(ref _handler);
        set => Volatile.Write(ref _handler, value);
    }
}
