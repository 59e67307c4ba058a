using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using TencentImAttr.Cmdlets;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;
using Xunit;

namespace TencentImAttr.Tests.Cmdlets;

/// <summary>
/// The module's surface, read through CustomAttributeData (PowerShellStandard's attribute getters are stubs that
/// return null, but the metadata is real).
/// </summary>
public class SurfaceTests
{
    private static readonly Assembly Module = typeof(SetImUserAttributeCommand).Assembly;

    private static IEnumerable<Type> CmdletTypes => Module.GetTypes().Where(t => !t.IsAbstract && typeof(Cmdlet).IsAssignableFrom(t));

    private static CustomAttributeData? Attr<T>(MemberInfo member) => member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(T));

    private static IEnumerable<CustomAttributeData> Attrs<T>(MemberInfo member) => member.GetCustomAttributesData().Where(a => a.AttributeType == typeof(T));

    private static string CmdletName(Type t)
    {
        var a = Attr<CmdletAttribute>(t)!;
        return a.ConstructorArguments[0].Value + "-" + a.ConstructorArguments[1].Value;
    }

    [Fact]
    public void Cmdlets_are_public_sealed_with_approved_verbs()
    {
        var names = CmdletTypes.Select(CmdletName).OrderBy(n => n).ToArray();
        Assert.Equal(new[] { "Add-ImUserTag", "Clear-ImUserTag", "Connect-ImApp", "Disconnect-ImApp", "Get-ImAppAttributeName", "Get-ImConnection", "Get-ImLastRun", "Get-ImRunJournal", "Get-ImUserAttribute", "Get-ImUserTag", "Remove-ImUserAttribute", "Remove-ImUserTag", "Set-ImAppAttributeName", "Set-ImUserAttribute", "Undo-ImRun" }, names);
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsCommunications) }.SelectMany(t => t.GetFields()).Select(f => (string)f.GetValue(null)!).ToHashSet();
        foreach (var t in CmdletTypes)
        {
            Assert.True(t.IsPublic && t.IsSealed, t.Name);
            Assert.Contains((string)Attr<CmdletAttribute>(t)!.ConstructorArguments[0].Value!, approved);
            Assert.Equal(CmdletName(t).Replace("-", "") + "Command", t.Name);
            Assert.NotNull(Attr<OutputTypeAttribute>(t));
        }
    }

    [Fact]
    public void Every_public_parameter_has_a_summary()
    {
        var docPath = Path.ChangeExtension(Module.Location, ".xml");
        var doc = System.Xml.Linq.XDocument.Load(docPath);
        var documented = doc.Descendants("member").Where(m => m.Element("summary") is { } s && s.Value.Trim().Length > 10)
            .Select(m => (string)m.Attribute("name")!).ToHashSet();
        foreach (var t in CmdletTypes)
        {
            foreach (var p in t.GetProperties().Where(p => Attrs<ParameterAttribute>(p).Any()))
            {
                var owner = p.DeclaringType!.IsGenericType ? p.DeclaringType.GetGenericTypeDefinition() : p.DeclaringType;
                Assert.True(documented.Contains($"P:{owner.FullName}.{p.Name}"), $"{t.Name}.{p.Name} has no <summary>");
            }
        }
    }

    [Fact]
    public void Manifest_exports_exactly_the_cmdlets_the_dll_defines()
    {
        var manifest = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TencentImAttr.psd1"));
        var block = Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value;
        var exported = Regex.Matches(block, "'([^']+)'").Select(m => m.Groups[1].Value).OrderBy(n => n).ToArray();
        Assert.Equal(CmdletTypes.Select(CmdletName).OrderBy(n => n).ToArray(), exported);
        Assert.Matches(@"RootModule\s*=\s*'TencentImAttr.dll'", manifest);
        Assert.Matches(@"CompatiblePSEditions\s*=\s*@\('Desktop',\s*'Core'\)", manifest);
        Assert.Matches(@"PowerShellVersion\s*=\s*'5.1'", manifest);
        Assert.Matches(@"FunctionsToExport\s*=\s*@\(\)", manifest);
        var version = Regex.Match(manifest, @"ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value;
        Assert.Equal(new Version(version), new Version(Module.GetName().Version!.ToString(3)));
        Assert.Equal(new Version(version), new Version(typeof(ImApiClient).Assembly.GetName().Version!.ToString(3)));
    }

    [Fact]
    public void Error_categories_match_powershells()
    {
        foreach (var c in Enum.GetValues<ImErrorCategory>())
        {
            Assert.Equal(c.ToString(), ((ErrorCategory)(int)c).ToString());
        }
    }

    [Fact]
    public void Core_has_no_powershell_reference()
    {
        var core = typeof(ImApiClient).Assembly;
        Assert.DoesNotContain(core.GetReferencedAssemblies(), a => a.Name == "System.Management.Automation");
        Assert.Equal(".NETStandard,Version=v2.0", core.GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>()!.FrameworkName);
        Assert.Equal(".NETStandard,Version=v2.0", Module.GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>()!.FrameworkName);
    }
}
