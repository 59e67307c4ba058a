using System;
using System.Linq;
using System.Net.Http;
using System.Reflection;

namespace TencentImAttr.Testing;

/// <summary>
/// Installs a handler in place of the network for the connections Connect-ImApp opens from now on: the module's
/// internal test seam (<c>TencentImAttr.TestSeam.Handler</c>), reached by reflection in the loaded module, so that this
/// helper needs no build reference to the module (and none of its packages). It holds for the whole process, so a test
/// resets it as soon as its connection is made:
/// <c>[TencentImAttr.Testing.ModuleTestSeam]::Use($stub)</c>, <c>Connect-ImApp ...</c>, <c>[TencentImAttr.Testing.ModuleTestSeam]::Reset()</c>.
/// </summary>
public static class ModuleTestSeam
{
    private const string SeamType = "TencentImAttr.TestSeam";
    private const string SeamProperty = "Handler";

    /// <summary>Connections opened after this call send through <paramref name="handler"/>.</summary>
    /// <exception cref="InvalidOperationException">The module is not loaded (import it first).</exception>
    public static void Use(HttpMessageHandler? handler) => Seam().SetValue(null, handler);

    /// <summary>Back to the real network.</summary>
    public static void Reset() => Use(null);

    private static PropertyInfo Seam()
    {
        var type = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name == "TencentImAttr")
            .Select(a => a.GetType(SeamType, throwOnError: false))
            .FirstOrDefault(t => t is not null)
            ?? throw new InvalidOperationException("The TencentImAttr module is not loaded: import it before installing the test seam.");
        return type.GetProperty(SeamProperty, BindingFlags.Static | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"{SeamType}.{SeamProperty} is missing: the module and the test helper are out of step.");
    }
}
