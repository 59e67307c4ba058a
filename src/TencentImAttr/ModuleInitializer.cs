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
/// another module or PowerShell to pick up by accident. An AssemblyResolve handler (<see cref="DependencyResolver"/>)
/// answers this module's own requests for those names, up to the versions shipped, and nothing else. On PowerShell 7
/// it does nothing: pwsh carries System.Text.Json 8.0 or later and its dependencies, which satisfy the module's references.
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

/// <summary>
/// Resolves the assemblies of one folder, and only for this module. A request is answered when the name is one of the
/// folder's, culture-neutral, asks for a version lower than or equal to the one shipped (binding redirects a module
/// cannot have: System.Memory asks for System.Runtime.CompilerServices.Unsafe 4.0.4.1, the core for System.Text.Json
/// 8.0.0.0 where 10.0 is shipped), and comes from one of this module's assemblies (beside TencentImAttr.dll or in the
/// folder): another module's request for the same name is left to that module (PSResourceGet's ModuleInitAndCleanup
/// scopes its handler the same way).
/// </summary>
internal sealed class DependencyResolver
{
    /// <summary>The folder beside TencentImAttr.dll that holds the third-party assemblies.</summary>
    public const string FolderName = "dependencies";

    private readonly Dictionary<string, (string Path, Version Version)> _shipped;
    private readonly string _moduleRoot;

    internal DependencyResolver(Dictionary<string, (string Path, Version Version)> shipped, string moduleRoot)
    {
        _shipped = shipped;
        _moduleRoot = Path.GetFullPath(moduleRoot).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
    }

    /// <summary>The simple names this resolver answers for (the assemblies of the folder).</summary>
    public IReadOnlyCollection<string> Names => _shipped.Keys;

    /// <summary>A resolver for the assemblies of a folder (none when the folder does not exist); the module is its parent folder.</summary>
    public static DependencyResolver ForFolder(string folder)
    {
        var shipped = new Dictionary<string, (string, Version)>(StringComparer.OrdinalIgnoreCase);
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.GetFiles(folder, "*.dll"))
            {
                try
                {
                    var name = AssemblyName.GetAssemblyName(file);
                    if (name.Name is not null && name.Version is not null) shipped[name.Name] = (file, name.Version);
                }
                catch (Exception e) when (e is BadImageFormatException or FileLoadException or IOException)
                {
                    // Not an assembly: nothing to answer for.
                }
            }
        }
        return new DependencyResolver(shipped, Path.GetDirectoryName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)) ?? folder);
    }

    /// <summary>
    /// The file for a requested assembly name, or null when the request is not this module's to answer (so that it
    /// goes on to other handlers): see the class summary for the rules.
    /// </summary>
    /// <param name="requestedName">The full name asked for.</param>
    /// <param name="requestingAssemblyPath">The file of the assembly that asked; null when unknown, which is not answered.</param>
    public string? PathFor(string? requestedName, string? requestingAssemblyPath)
    {
        if (string.IsNullOrEmpty(requestedName) || !IsOurs(requestingAssemblyPath)) return null;
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
        if (!_shipped.TryGetValue(name.Name, out var shipped)) return null;
        return name.Version is null || name.Version <= shipped.Version ? shipped.Path : null;
    }

    private bool IsOurs(string? requestingAssemblyPath)
    {
        if (string.IsNullOrEmpty(requestingAssemblyPath)) return false;
        string full;
        try
        {
            full = Path.GetFullPath(requestingAssemblyPath);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
        return full.StartsWith(_moduleRoot, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The AssemblyResolve handler: loads a dependency from the folder, or returns null.</summary>
    public Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
    {
        string? requesting;
        try
        {
            requesting = args.RequestingAssembly is { IsDynamic: false } a ? a.Location : null;
        }
        catch (NotSupportedException)
        {
            requesting = null;
        }
        var path = PathFor(args.Name, requesting);
        return path is null ? null : Assembly.LoadFrom(path);
    }
}
