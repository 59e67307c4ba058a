using System.Net.Http;
using System.Threading;

namespace TencentImAttr;

/// <summary>
/// The tests' way to replace the network: the HTTP handler that the connections Connect-ImApp opens send through
/// (the Pester suites' stub), set by TencentImAttr.Testing's <c>ModuleTestSeam</c> (by reflection: the helper has no
/// build reference to the module). It is deliberately not a parameter, so that it never shows in a syntax line, in
/// help or in tab completion, and it is internal, so that no script comes across it. Renaming it breaks that helper
/// (a test holds them together).
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
