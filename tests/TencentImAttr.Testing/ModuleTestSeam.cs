using System.Net.Http;

namespace TencentImAttr.Testing;

/// <summary>
/// Installs a handler in place of the network for the connections Connect-ImApp opens from now on (the module's
/// internal test seam). It holds for the whole process, so a test suite resets it when it ends:
/// <c>[TencentImAttr.Testing.ModuleTestSeam]::Use($stub)</c> ... <c>[TencentImAttr.Testing.ModuleTestSeam]::Reset()</c>.
/// </summary>
public static class ModuleTestSeam
{
    /// <summary>Connections opened after this call send through <paramref name="handler"/>.</summary>
    public static void Use(HttpMessageHandler? handler) => TencentImAttr.TestSeam.Handler = handler;

    /// <summary>Back to the real network.</summary>
    public static void Reset() => TencentImAttr.TestSeam.Handler = null;
}
