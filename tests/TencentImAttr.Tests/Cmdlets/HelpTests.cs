using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Xml.Linq;
using Xunit;

namespace TencentImAttr.Tests.Cmdlets;

/// <summary>
/// The MAML help that the build generates (en-US/TencentImAttr.dll-Help.xml in the laid-out module) against the
/// cmdlet metadata: what Get-Help shows on a machine with PowerShell.
/// </summary>
public class HelpTests
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private static readonly Lazy<XDocument> Help = new(() => XDocument.Load(ModuleFiles.HelpFile));

    private static readonly string[] CommonParameters =
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable",
        "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
    };

    public static TheoryData<string> ExportedCmdlets()
    {
        var data = new TheoryData<string>();
        foreach (var name in ModuleFiles.ManifestList("CmdletsToExport")) data.Add(name);
        return data;
    }

    private static XElement CommandHelp(string name) =>
        Help.Value.Root!.Elements(Command + "command").SingleOrDefault(c => (string?)c.Element(Command + "details")?.Element(Command + "name") == name)
        ?? throw new Xunit.Sdk.XunitException($"No help for {name} in {ModuleFiles.HelpFile}.");

    private static string Text(XElement? description) =>
        string.Join("\n", description?.Elements(Maml + "para").Select(p => p.Value.Trim()).Where(p => p.Length > 0) ?? Array.Empty<string>());

    [Fact]
    public void Help_file_covers_exactly_the_exported_cmdlets()
    {
        Assert.Equal("helpItems", Help.Value.Root!.Name.LocalName);
        var documented = Help.Value.Root.Elements(Command + "command").Select(c => (string)c.Element(Command + "details")!.Element(Command + "name")!).OrderBy(n => n);
        var exported = ModuleFiles.ManifestList("CmdletsToExport").OrderBy(n => n).ToList();
        Assert.NotEmpty(exported);
        Assert.Equal(exported, documented);
        Assert.Equal(exported, ModuleFiles.CmdletTypes.Keys.OrderBy(n => n));
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Every_cmdlet_has_a_synopsis_a_description_and_verb_noun(string name)
    {
        var help = CommandHelp(name);
        var details = help.Element(Command + "details")!;
        var cmdlet = ModuleFiles.Attribute<CmdletAttribute>(ModuleFiles.CmdletTypes[name])!;
        Assert.Equal(cmdlet.ConstructorArguments[0].Value, (string?)details.Element(Command + "verb"));
        Assert.Equal(cmdlet.ConstructorArguments[1].Value, (string?)details.Element(Command + "noun"));
        var synopsis = Text(details.Element(Maml + "description"));
        Assert.False(string.IsNullOrWhiteSpace(synopsis), $"{name}: empty synopsis");
        var description = Text(help.Element(Maml + "description"));
        Assert.StartsWith(synopsis, description);
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Every_cmdlet_has_at_least_two_examples_with_code_and_explanation(string name)
    {
        var examples = CommandHelp(name).Element(Command + "examples")!.Elements(Command + "example").ToList();
        Assert.True(examples.Count >= 2, $"{name} has {examples.Count} example(s)");
        foreach (var example in examples)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)example.Element(Maml + "title")), $"{name}: example without title");
            Assert.False(string.IsNullOrWhiteSpace((string?)example.Element(Dev + "code")), $"{name}: example without code");
            Assert.False(string.IsNullOrWhiteSpace(Text(example.Element(Dev + "remarks"))), $"{name}: example without explanation");
        }
        Assert.Contains(examples, e => ((string)e.Element(Dev + "code")!).Contains(name, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Every_parameter_has_help_that_matches_its_metadata(string name)
    {
        var type = ModuleFiles.CmdletTypes[name];
        var documented = CommandHelp(name).Element(Command + "parameters")!.Elements(Command + "parameter")
            .ToDictionary(p => (string)p.Element(Maml + "name")!, StringComparer.OrdinalIgnoreCase);
        foreach (var property in ModuleFiles.VisibleParameters(type))
        {
            Assert.True(documented.TryGetValue(property.Name, out var help), $"{name} -{property.Name} has no help");
            Assert.False(string.IsNullOrWhiteSpace(Text(help!.Element(Maml + "description"))), $"{name} -{property.Name}: empty description");

            var sets = ModuleFiles.Attributes<ParameterAttribute>(property).ToList();
            // "Required?" is true when any parameter set requires the parameter; the text then names the sets.
            var mandatory = sets.Select(a => ModuleFiles.Named(a, "Mandatory") is true).ToList();
            Assert.Equal(mandatory.Any(m => m), (string?)help.Attribute("required") == "true");
            Assert.Equal(mandatory.Distinct().Count() > 1, Text(help.Element(Maml + "description")).Contains("Required in the parameter set", StringComparison.Ordinal));
            var byValue = sets.Any(a => ModuleFiles.Named(a, "ValueFromPipeline") is true);
            var byName = sets.Any(a => ModuleFiles.Named(a, "ValueFromPipelineByPropertyName") is true);
            var pipeline = (string)help.Attribute("pipelineInput")!;
            Assert.Equal(byValue, pipeline.Contains("ByValue", StringComparison.Ordinal));
            Assert.Equal(byName, pipeline.Contains("ByPropertyName", StringComparison.Ordinal));

            var aliases = ModuleFiles.Attributes<AliasAttribute>(property)
                .SelectMany(a => (IEnumerable<System.Reflection.CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
                .Select(v => (string)v.Value!).ToList();
            Assert.Equal(aliases.Count == 0 ? "none" : string.Join(", ", aliases), (string?)help.Attribute("aliases"));
        }
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Syntax_has_one_item_per_parameter_set_with_the_right_mandatory_parameters(string name)
    {
        var type = ModuleFiles.CmdletTypes[name];
        var entries = ModuleFiles.VisibleParameters(type)
            .SelectMany(p => ModuleFiles.Attributes<ParameterAttribute>(p).Select(a => (
                Name: p.Name,
                Set: (string?)ModuleFiles.Named(a, "ParameterSetName") ?? "__AllParameterSets",
                Mandatory: ModuleFiles.Named(a, "Mandatory") is true)))
            .ToList();
        var sets = entries.Select(e => e.Set).Where(s => s != "__AllParameterSets").Distinct().DefaultIfEmpty("__AllParameterSets").ToList();
        var shouldProcess = ModuleFiles.Named(ModuleFiles.Attribute<CmdletAttribute>(type)!, "SupportsShouldProcess") is true;
        string Describe(IEnumerable<(string Name, bool Mandatory)> parameters) =>
            string.Join(" ", parameters.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Mandatory ? p.Name + "!" : p.Name));

        var expected = sets.Select(set => Describe(entries
                .Where(e => e.Set == set || (e.Set == "__AllParameterSets" && !entries.Any(o => o.Name == e.Name && o.Set == set)))
                .Select(e => (e.Name, e.Mandatory))
                .Concat(shouldProcess ? new[] { ("WhatIf", false), ("Confirm", false) } : Array.Empty<(string, bool)>())))
            .OrderBy(s => s).ToList();
        var actual = CommandHelp(name).Element(Command + "syntax")!.Elements(Command + "syntaxItem")
            .Select(item => Describe(item.Elements(Command + "parameter")
                .Select(p => ((string)p.Element(Maml + "name")!, (string?)p.Attribute("required") == "true"))))
            .OrderBy(s => s).ToList();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Help_leaves_out_common_and_hidden_parameters(string name)
    {
        var type = ModuleFiles.CmdletTypes[name];
        var listed = CommandHelp(name).Descendants(Command + "parameter").Select(p => (string)p.Element(Maml + "name")!).ToHashSet();
        Assert.Empty(listed.Intersect(CommonParameters));
        var hidden = type.GetProperties()
            .Where(p => ModuleFiles.Attributes<ParameterAttribute>(p).Any(a => ModuleFiles.Named(a, "DontShow") is true))
            .Select(p => p.Name);
        Assert.Empty(listed.Intersect(hidden));
        var shouldProcess = ModuleFiles.Named(ModuleFiles.Attribute<CmdletAttribute>(type)!, "SupportsShouldProcess") is true;
        Assert.Equal(shouldProcess, listed.Contains("WhatIf"));
        Assert.Equal(shouldProcess, listed.Contains("Confirm"));
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void Outputs_are_the_OutputType_types(string name)
    {
        var expected = ModuleFiles.OutputTypes(ModuleFiles.CmdletTypes[name]).Select(t => t.FullName!).DefaultIfEmpty("None").OrderBy(n => n);
        var actual = CommandHelp(name).Element(Command + "returnValues")!.Elements(Command + "returnValue")
            .Select(r => (string)r.Element(Dev + "type")!.Element(Maml + "name")!).OrderBy(n => n);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Parameters_with_a_fixed_set_of_values_list_them()
    {
        var region = CommandHelp("Connect-ImApp").Element(Command + "syntax")!.Descendants(Command + "parameter")
            .First(p => (string?)p.Element(Maml + "name") == "Region");
        var values = region.Element(Command + "parameterValueGroup")!.Elements(Command + "parameterValue").Select(v => v.Value).ToList();
        Assert.Contains("Singapore", values);
        var service = CommandHelp("Connect-ImApp").Element(Command + "syntax")!.Descendants(Command + "parameter")
            .First(p => (string?)p.Element(Maml + "name") == "Service");
        Assert.Equal(Enum.GetNames<Core.Api.ImService>(), service.Element(Command + "parameterValueGroup")!.Elements(Command + "parameterValue").Select(v => v.Value));
    }

    [Theory]
    [InlineData("Get-ImUserAttribute", "UserId", "The users to read.")]
    [InlineData("Set-ImUserAttribute", "UserId", "The users to set the same attributes on.")]
    [InlineData("Remove-ImUserAttribute", "UserId", "The users to remove attributes from.")]
    [InlineData("Set-ImUserAttribute", "InputObject", "An object from the pipeline: the output of Get-ImUserAttribute")]
    [InlineData("Remove-ImUserAttribute", "InputObject", "when -Name is not given, the attributes to remove")]
    [InlineData("Get-ImUserAttribute", "MaxRetry", "at most 1 + MaxRetry attempts per user")]
    public void Inherited_parameters_take_the_cmdlets_own_text(string cmdlet, string parameter, string text)
    {
        // -UserId and -InputObject are declared once, in ImBulkCmdlet; each cmdlet describes them in its own words.
        var element = CommandHelp(cmdlet).Element(Command + "parameters")!.Elements(Command + "parameter")
            .Single(p => (string?)p.Element(Maml + "name") == parameter);
        Assert.Contains(text, Text(element.Element(Maml + "description")), StringComparison.Ordinal);
    }
}
