using System;
using System.IO;
using System.Management.Automation;
using Xunit;

namespace TencentImAttr.Tests;

/// <summary>
/// The dependency resolution for Windows PowerShell. The handler itself only runs on .NET Framework; what decides
/// which requests it answers (DependencyResolver.PathFor: name, version, requester) is tested here on any runtime,
/// since .NET Framework cannot run here.
/// </summary>
public sealed class ModuleInitializerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "TencentImAttr.Tests." + Guid.NewGuid().ToString("N"));
    private string Module => Path.Combine(_root, "TencentImAttr");
    private string Folder => Path.Combine(Module, DependencyResolver.FolderName);
    private string Core => Path.Combine(Module, "TencentImAttr.Core.dll");

    public ModuleInitializerTests()
    {
        // Real assemblies (the resolver reads their versions), laid out as in the module.
        Directory.CreateDirectory(Folder);
        foreach (var name in new[] { "System.Text.Json", "System.Memory", "System.IO.Pipelines" })
        {
            File.Copy(Path.Combine(ModuleFiles.DependencyDir, name + ".dll"), Path.Combine(Folder, name + ".dll"));
        }
        File.WriteAllText(Path.Combine(Folder, "readme.txt"), "not an assembly");
        File.WriteAllBytes(Path.Combine(Folder, "Broken.dll"), new byte[] { 1, 2, 3 });
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Version ShippedJson => System.Reflection.AssemblyName.GetAssemblyName(Path.Combine(ModuleFiles.DependencyDir, "System.Text.Json.dll")).Version!;

    [Theory]
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "System.Text.Json.dll")]
    [InlineData("System.Text.Json, Version=6.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "System.Text.Json.dll")]
    [InlineData("System.Memory", "System.Memory.dll")]
    [InlineData("system.memory, Version=4.0.1.2", "System.Memory.dll")]
    [InlineData("System.IO.Pipelines, Version=10.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "System.IO.Pipelines.dll")]
    public void Our_requests_for_a_shipped_name_at_or_below_its_version_resolve_to_its_file(string requested, string file)
    {
        Assert.Equal(Path.Combine(Folder, file), DependencyResolver.ForFolder(Folder).PathFor(requested, Core));
    }

    [Fact]
    public void The_shipped_version_itself_resolves_and_a_higher_one_does_not()
    {
        var resolver = DependencyResolver.ForFolder(Folder);
        var v = ShippedJson;
        Assert.NotNull(resolver.PathFor($"System.Text.Json, Version={v}, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", Core));
        Assert.Null(resolver.PathFor($"System.Text.Json, Version={v.Major}.{v.Minor}.{v.Build}.{v.Revision + 1}, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", Core));
        Assert.Null(resolver.PathFor("System.Text.Json, Version=11.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", Core));
    }

    [Fact]
    public void Requests_between_the_shipped_dependencies_resolve()
    {
        // System.Text.Json asks for System.Memory: a dependency in the folder counts as this module's.
        Assert.NotNull(DependencyResolver.ForFolder(Folder).PathFor("System.Memory, Version=4.0.1.2", Path.Combine(Folder, "System.Text.Json.dll")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/elsewhere/OtherModule/OtherModule.dll")]
    [InlineData("SIBLING")]
    public void Requests_from_other_assemblies_or_an_unknown_one_are_left_to_others(string? requesting)
    {
        // SIBLING: a folder whose name starts like the module's (TencentImAttrEvil) is not the module.
        if (requesting == "SIBLING") requesting = Module + "Evil" + Path.DirectorySeparatorChar + "Evil.dll";
        Assert.Null(DependencyResolver.ForFolder(Folder).PathFor("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", requesting));
    }

    [Theory]
    [InlineData("TencentImAttr.Core, Version=0.1.0.0, Culture=neutral, PublicKeyToken=null")]
    [InlineData("System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35")]
    [InlineData("Newtonsoft.Json")]
    [InlineData("readme")]
    [InlineData("Broken")]
    [InlineData("System.Text.Json.resources, Version=8.0.0.0, Culture=zh-Hans, PublicKeyToken=cc7b13ffcd2ddd51")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("not, a valid = assembly name,,")]
    public void Other_names_are_left_to_others(string? requested)
    {
        Assert.Null(DependencyResolver.ForFolder(Folder).PathFor(requested, Core));
    }

    [Fact]
    public void The_handler_returns_null_for_names_it_does_not_own()
    {
        var resolver = DependencyResolver.ForFolder(Folder);
        Assert.Null(resolver.OnAssemblyResolve(null, new ResolveEventArgs("Newtonsoft.Json, Version=13.0.0.0")));
        // No requesting assembly known: not answered, even for a shipped name.
        Assert.Null(resolver.OnAssemblyResolve(null, new ResolveEventArgs("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51")));
    }

    [Fact]
    public void A_missing_folder_resolves_nothing()
    {
        var resolver = DependencyResolver.ForFolder(Path.Combine(Module, "absent"));
        Assert.Empty(resolver.Names);
        Assert.Null(resolver.PathFor("System.Text.Json", Core));
    }

    [Fact]
    public void On_dotnet_the_initializer_does_nothing()
    {
        Assert.False(ModuleInitializer.IsNetFramework);
        var initializer = new ModuleInitializer();
        initializer.OnImport();
        initializer.OnRemove(null!);
        Assert.IsAssignableFrom<IModuleAssemblyInitializer>(initializer);
        Assert.IsAssignableFrom<IModuleAssemblyCleanup>(initializer);
    }

    [Fact]
    public void The_dependency_folder_name_is_the_layout_folder()
    {
        Assert.Equal(DependencyResolver.FolderName, new DirectoryInfo(ModuleFiles.DependencyDir).Name);
    }
}
