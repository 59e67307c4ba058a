using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace TencentImAttr;

/// <summary>
/// Loads the module's third-party dependencies on Windows PowerShell 5.1 (.NET Framework). They live in the module's
/// dependencies/ folder, where .NET Framework does not look, so that they never stand beside TencentImAttr.dll for
/// another module or PowerShell to pick up by accident. An AssemblyResolve handler answers for exactly the assembly
/// names found in that folder, whatever version is asked for (it acts as the binding redirects a module cannot have:
/// System.Memory asks for System.Runtime.CompilerServices.Unsafe 4.0.4.1, System.Text.Json for 6.0.0.0), and for
/// nothing else. On PowerShell 7 it does nothing: pwsh carries System.Text.Json 8.0 or later and its dependencies,
/// which satisfy the module's references.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly object Gate = new();
    private static DependencyResolver? _installed;

    /// <summary>
    /// Stops the import on an unsupported PowerShell (6, 7.0-7.3) with a message naming the supported versions; on
    /// .NET Framework, installs the AssemblyResolve handler.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">PowerShell 6 or 7.0-7.3.</exception>
    public void OnImport()
    {
        var problem = SupportedPowerShell.Problem(IsNetFramework, typeof(PSObject).Assembly.GetName().Version);
        if (problem is not null) throw new PlatformNotSupportedException(problem);
        if (!IsNetFramework) return;
        lock (Gate)
        {
            if (_installed is not null) return;
            var moduleDir = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? "";
            _installed = DependencyResolver.ForFolder(Path.Combine(moduleDir, DependencyResolver.FolderName));
            AppDomain.CurrentDomain.AssemblyResolve += _installed.OnAssemblyResolve;
        }
    }

    /// <summary>Removes the handler when the module is removed.</summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            if (_installed is null) return;
            AppDomain.CurrentDomain.AssemblyResolve -= _installed.OnAssemblyResolve;
            _installed = null;
        }
    }

    internal static bool IsNetFramework =>
        RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);
}

/// <summary>Resolves the assemblies of one folder by simple name: the ones there, and no others.</summary>
internal sealed class DependencyResolver
{
    /// <summary>The folder beside TencentImAttr.dll that holds the third-party assemblies.</summary>
    public const string FolderName = "dependencies";

    private readonly Dictionary<string, string> _paths;

    private DependencyResolver(Dictionary<string, string> paths) => _paths = paths;

    /// <summary>The simple names this resolver answers for (the .dll files of the folder, without extension).</summary>
    public IReadOnlyCollection<string> Names => _paths.Keys;

    /// <summary>A resolver for the .dll files of a folder (none when the folder does not exist).</summary>
    public static DependencyResolver ForFolder(string folder)
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.GetFiles(folder, "*.dll"))
            {
                paths[Path.GetFileNameWithoutExtension(file)] = file;
            }
        }
        return new DependencyResolver(paths);
    }

    /// <summary>
    /// The file for a requested assembly name, or null when the name is not one of the folder's (so that the
    /// request goes on to other handlers). Satellite (culture-specific) resource assemblies are never answered.
    /// </summary>
    public string? PathFor(string? requestedName)
    {
        if (string.IsNullOrEmpty(requestedName)) return null;
        AssemblyName name;
        try
        {
            name = new AssemblyName(requestedName);
        }
        catch (Exception e) when (e is ArgumentException or FileLoadException)
        {
            return null;
        }
        if (name.Name is null) return null;
        if (!string.IsNullOrEmpty(name.CultureName)) return null;
        return _paths.TryGetValue(name.Name, out var path) ? path : null;
    }

    /// <summary>The AssemblyResolve handler: loads a dependency from the folder, or returns null.</summary>
    public Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
    {
        var path = PathFor(args.Name);
        return path is null ? null : Assembly.LoadFrom(path);
    }
}
