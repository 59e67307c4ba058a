using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Xunit;

namespace TencentImAttr.Tests;

/// <summary>
/// The module as users import it (out/TencentImAttr/): the manifest's files exist, and every assembly the
/// netstandard2.0 build needs is there, the module's own beside TencentImAttr.dll and the third-party ones in
/// dependencies/, where ModuleInitializer resolves them on Windows PowerShell.
/// </summary>
public class LayoutTests
{
    /// <summary>
    /// What the host provides: the netstandard 2.0 surface (on .NET Framework 4.7.2 and on .NET alike) and PowerShell's
    /// own System.Management.Automation. Anything else a module assembly references must be in the layout.
    /// </summary>
    private static readonly HashSet<string> Provided = new(StringComparer.OrdinalIgnoreCase)
    {
        "netstandard", "mscorlib", "System", "System.Core", "System.Management.Automation",
    };

    /// <summary>The module's own assemblies, which stand beside TencentImAttr.dll.</summary>
    private static readonly string[] FirstParty = { "TencentImAttr", "TencentImAttr.Core" };

    private sealed record Reference(string From, AssemblyName Name);

    private static (string Name, Version Version, List<AssemblyName> References) Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var definition = md.GetAssemblyDefinition();
        var references = md.AssemblyReferences.Select(h => md.GetAssemblyReference(h).GetAssemblyName()).ToList();
        return (md.GetString(definition.Name), definition.Version, references);
    }

    /// <summary>The file in the layout for an assembly name: beside TencentImAttr.dll or in dependencies/.</summary>
    private static string? LaidOut(string name) =>
        new[] { ModuleFiles.ModuleDir, ModuleFiles.DependencyDir }.Select(d => Path.Combine(d, name + ".dll")).FirstOrDefault(File.Exists);

    /// <summary>Every assembly reachable from TencentImAttr.dll, by name, with the references made to it.</summary>
    private static Dictionary<string, List<Reference>> Closure(out List<string> missing)
    {
        var reached = new Dictionary<string, List<Reference>>(StringComparer.OrdinalIgnoreCase);
        missing = new List<string>();
        var queue = new Queue<string>();
        queue.Enqueue(Path.Combine(ModuleFiles.ModuleDir, "TencentImAttr.dll"));
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (queue.Count > 0)
        {
            var path = queue.Dequeue();
            if (!visited.Add(path)) continue;
            var (name, _, references) = Read(path);
            foreach (var reference in references)
            {
                if (Provided.Contains(reference.Name!)) continue;
                if (!reached.TryGetValue(reference.Name!, out var list)) reached[reference.Name!] = list = new List<Reference>();
                list.Add(new Reference(name, reference));
                var file = LaidOut(reference.Name!);
                if (file is null) missing.Add($"{reference.FullName} (referenced by {name})");
                else queue.Enqueue(file);
            }
        }
        return reached;
    }

    [Fact]
    public void Manifest_files_exist_in_the_layout()
    {
        var root = ModuleFiles.ManifestString("RootModule");
        Assert.Equal("TencentImAttr.dll", root);
        Assert.True(File.Exists(Path.Combine(ModuleFiles.ModuleDir, root!)));
        var formats = ModuleFiles.ManifestList("FormatsToProcess");
        Assert.NotEmpty(formats);
        foreach (var format in formats) Assert.True(File.Exists(Path.Combine(ModuleFiles.ModuleDir, format)), format);
        Assert.True(File.Exists(ModuleFiles.HelpFile), ModuleFiles.HelpFile);
        Assert.Equal(ModuleFiles.ManifestString("ModuleVersion"), Read(Path.Combine(ModuleFiles.ModuleDir, root!)).Version.ToString(3));
    }

    [Fact]
    public void Manifest_is_ready_for_the_gallery()
    {
        Assert.Equal("https://github.com/tencentimattr/TencentImAttr", ModuleFiles.ManifestString("ProjectUri"));
        Assert.Equal("https://github.com/tencentimattr/TencentImAttr/blob/main/LICENSE", ModuleFiles.ManifestString("LicenseUri"));
        Assert.True(File.Exists(Path.Combine(ModuleFiles.RepositoryRoot, "LICENSE")));
        Assert.Contains("PSEdition_Desktop", ModuleFiles.ManifestList("Tags"));
        Assert.False(string.IsNullOrWhiteSpace(ModuleFiles.ManifestString("Description")));
        Assert.False(string.IsNullOrWhiteSpace(ModuleFiles.ManifestString("ReleaseNotes")));
    }

    [Fact]
    public void Every_referenced_assembly_is_in_the_layout_at_a_sufficient_version()
    {
        var reached = Closure(out var missing);
        Assert.True(missing.Count == 0, "Not in out/TencentImAttr/ nor its dependencies/ folder:\n" + string.Join("\n", missing));
        Assert.Contains("TencentImAttr.Core", reached.Keys);
        Assert.Contains("System.Text.Json", reached.Keys);
        foreach (var (name, references) in reached)
        {
            var shipped = Read(LaidOut(name)!).Version;
            // A reference to a higher version than shipped would fail on .NET Framework (and is not what was tested).
            // Lower ones are what ModuleInitializer's resolver answers, as binding redirects would.
            var highest = references.Max(r => r.Name.Version!)!;
            Assert.True(shipped >= highest, $"{name} {shipped} is shipped, {highest} is referenced by {string.Join(", ", references.Where(r => r.Name.Version == highest).Select(r => r.From))}");
        }
    }

    [Fact]
    public void First_party_assemblies_stand_beside_the_module_and_third_party_ones_in_dependencies()
    {
        var reached = Closure(out _);
        var root = Directory.GetFiles(ModuleFiles.ModuleDir, "*.dll").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(FirstParty, root);
        var dependencies = Directory.GetFiles(ModuleFiles.DependencyDir, "*.dll").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Contains("System.Text.Json", dependencies);
        // Nothing shipped that nothing needs, and everything needed that is not ours comes from dependencies/.
        Assert.Equal(reached.Keys.Except(FirstParty).OrderBy(n => n, StringComparer.OrdinalIgnoreCase), dependencies.OrderBy(n => n, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_resolver_answers_every_dependency_reference_and_nothing_else()
    {
        var reached = Closure(out _);
        var resolver = DependencyResolver.ForFolder(ModuleFiles.DependencyDir);
        foreach (var reference in reached.Where(r => !FirstParty.Contains(r.Key)).SelectMany(r => r.Value))
        {
            var path = resolver.PathFor(reference.Name.FullName, LaidOut(reference.From));
            Assert.True(path is not null, $"{reference.Name.FullName} (from {reference.From}) is not resolved");
            Assert.Equal(Path.Combine(ModuleFiles.DependencyDir, reference.Name.Name + ".dll"), path);
        }
        Assert.Null(resolver.PathFor("TencentImAttr.Core, Version=0.1.0.0, Culture=neutral, PublicKeyToken=null", Path.Combine(ModuleFiles.ModuleDir, "TencentImAttr.Core.dll")));
        Assert.Null(resolver.PathFor("System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35", Path.Combine(ModuleFiles.ModuleDir, "TencentImAttr.Core.dll")));
        Assert.Null(resolver.PathFor("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed", Path.Combine(ModuleFiles.ModuleDir, "TencentImAttr.Core.dll")));
    }

    [Fact]
    public void Windows_PowerShell_gets_a_serviced_System_Text_Json_while_the_code_compiles_against_8()
    {
        var shipped = Read(Path.Combine(ModuleFiles.DependencyDir, "System.Text.Json.dll")).Version;
        Assert.Equal(10, shipped.Major);
        Assert.True(File.Exists(Path.Combine(ModuleFiles.DependencyDir, "System.IO.Pipelines.dll")), "System.Text.Json 10 brings System.IO.Pipelines");
        var core = Read(Path.Combine(ModuleFiles.ModuleDir, "TencentImAttr.Core.dll"));
        // PowerShell 7.4 carries 8.0: a reference above it would make pwsh look for a copy it does not have.
        Assert.Equal(new Version(8, 0, 0, 0), core.References.Single(r => r.Name == "System.Text.Json").Version);
    }
}
