using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using TencentImAttr.Core.Connection;
using TencentImAttr.Emulator;
using Xunit;

namespace TencentImAttr.Tests.Architecture;

/// <summary>
/// The emulator is written from the API documents, apart from the module (issue 21): its assembly references
/// nothing of the core's, compiles no file from outside its folder, and the core opens its internals to it nowhere.
/// What the two share is only what the documents say, and tests/contract holds both sides to that.
/// </summary>
public class EmulatorLayeringTests
{
    private static readonly Assembly Emulator = typeof(EmulatedImService).Assembly;
    private static readonly Assembly Core = typeof(ImConnection).Assembly;

    [Fact]
    public void The_emulator_assembly_references_no_assembly_of_the_module()
    {
        var references = Emulator.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("System.Text.Json", references); // the reader sees the emulator's references at all
        Assert.DoesNotContain(Core.GetName().Name, references);
        Assert.DoesNotContain(references, name => name.StartsWith("TencentImAttr", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_type_of_the_emulator_is_its_own()
    {
        var types = Emulator.GetTypes().Where(t => t.Namespace is not null && t.Namespace.StartsWith("TencentImAttr", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(types);
        Assert.All(types, t => Assert.StartsWith("TencentImAttr.Emulator", t.Namespace!, StringComparison.Ordinal));
    }

    [Fact]
    public void The_core_opens_its_internals_to_no_emulator_assembly()
    {
        var friends = Core.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToList();
        Assert.Contains("TencentImAttr.Tests", friends); // the reader sees the core's friends at all
        Assert.DoesNotContain(Emulator.GetName().Name, friends);
    }

    [Fact]
    public void The_emulator_project_compiles_only_its_own_files_and_references_no_project()
    {
        var project = XDocument.Load(Path.Combine(ModuleFiles.RepositoryRoot, "src", "TencentImAttr.Emulator", "TencentImAttr.Emulator.csproj"));
        var elements = project.Descendants().ToList();
        Assert.Contains(elements, e => e.Name.LocalName == "InternalsVisibleTo"); // the file read is the project
        Assert.DoesNotContain(elements, e => e.Name.LocalName == "ProjectReference");
        Assert.DoesNotContain(elements, e => e.Name.LocalName is "Compile" or "Content" or "None" && ((string?)e.Attribute("Include") ?? "").Contains("..", StringComparison.Ordinal));
    }
}
