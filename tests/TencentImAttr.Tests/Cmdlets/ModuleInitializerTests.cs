using System;
using System.IO;
using System.Management.Automation;
using Xunit;

namespace TencentImAttr.Tests.Cmdlets;

/// <summary>
/// The dependency resolution for Windows PowerShell. The handler itself only runs on .NET Framework; what decides
/// which names it answers (DependencyResolver.PathFor) is tested here on any runtime.
/// </summary>
public sealed class ModuleInitializerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "TencentImAttr.Tests." + Guid.NewGuid().ToString("N"));

    public ModuleInitializerTests()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllBytes(Path.Combine(_folder, "System.Text.Json.dll"), Array.Empty<byte>());
        File.WriteAllBytes(Path.Combine(_folder, "System.Memory.dll"), Array.Empty<byte>());
        File.WriteAllText(Path.Combine(_folder, "readme.txt"), "not an assembly");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("System.Text.Json, Version=8.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "System.Text.Json.dll")]
    [InlineData("System.Text.Json, Version=6.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", "System.Text.Json.dll")]
    [InlineData("System.Memory", "System.Memory.dll")]
    [InlineData("system.memory, Version=4.0.1.2", "System.Memory.dll")]
    public void Names_in_the_folder_resolve_to_their_file_whatever_the_version(string requested, string file)
    {
        Assert.Equal(Path.Combine(_folder, file), DependencyResolver.ForFolder(_folder).PathFor(requested));
    }

    [Theory]
    [InlineData("TencentImAttr.Core, Version=0.1.0.0, Culture=neutral, PublicKeyToken=null")]
    [InlineData("System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35")]
    [InlineData("Newtonsoft.Json")]
    [InlineData("readme")]
    [InlineData("System.Text.Json.resources, Version=8.0.0.0, Culture=zh-Hans, PublicKeyToken=cc7b13ffcd2ddd51")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("not, a valid = assembly name,,")]
    public void Other_names_are_left_to_others(string? requested)
    {
        Assert.Null(DependencyResolver.ForFolder(_folder).PathFor(requested));
    }

    [Fact]
    public void The_handler_returns_null_for_names_it_does_not_own()
    {
        var resolver = DependencyResolver.ForFolder(_folder);
        Assert.Null(resolver.OnAssemblyResolve(null, new ResolveEventArgs("Newtonsoft.Json, Version=13.0.0.0")));
    }

    [Fact]
    public void A_missing_folder_resolves_nothing()
    {
        var resolver = DependencyResolver.ForFolder(Path.Combine(_folder, "absent"));
        Assert.Empty(resolver.Names);
        Assert.Null(resolver.PathFor("System.Text.Json"));
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
