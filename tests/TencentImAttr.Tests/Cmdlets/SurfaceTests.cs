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

    private static object? Named(CustomAttributeData a, string name) => a.NamedArguments.FirstOrDefault(n => n.MemberName == name).TypedValue.Value;

    private static string CmdletName(Type t)
    {
        var a = Attr<CmdletAttribute>(t)!;
        return a.ConstructorArguments[0].Value + "-" + a.ConstructorArguments[1].Value;
    }

    private static PropertyInfo Param(Type t, string name) => t.GetProperty(name) ?? throw new InvalidOperationException($"{t.Name} has no {name}");

    private static CustomAttributeData ParamAttr(Type t, string name, string? set = null) =>
        Attrs<ParameterAttribute>(Param(t, name)).Single(a => set is null || (string?)Named(a, "ParameterSetName") == set);

    private static string[] Aliases(Type t, string name) =>
        Attr<AliasAttribute>(Param(t, name)) is { } a ? ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (string)v.Value!).ToArray() : Array.Empty<string>();

    [Fact]
    public void Cmdlets_are_public_sealed_with_approved_verbs()
    {
        var names = CmdletTypes.Select(CmdletName).OrderBy(n => n).ToArray();
        Assert.Equal(new[] { "Add-ImUserTag", "Clear-ImUserTag", "Connect-ImApp", "Disconnect-ImApp", "Get-ImAppAttributeName", "Get-ImConnection", "Get-ImUserAttribute", "Get-ImUserTag", "Remove-ImUserAttribute", "Remove-ImUserTag", "Set-ImAppAttributeName", "Set-ImUserAttribute" }, names);
        var approved = new[] { typeof(VerbsCommon), typeof(VerbsCommunications) }.SelectMany(t => t.GetFields()).Select(f => (string)f.GetValue(null)!).ToHashSet();
        foreach (var t in CmdletTypes)
        {
            Assert.True(t.IsPublic && t.IsSealed, t.Name);
            Assert.Contains((string)Attr<CmdletAttribute>(t)!.ConstructorArguments[0].Value!, approved);
            Assert.Equal(CmdletName(t).Replace("-", "") + "Command", t.Name);
            Assert.NotNull(Attr<OutputTypeAttribute>(t));
        }
    }

    [Theory]
    [InlineData(typeof(SetImUserAttributeCommand), true, ConfirmImpact.Medium)]
    [InlineData(typeof(RemoveImUserAttributeCommand), true, ConfirmImpact.High)]
    [InlineData(typeof(SetImAppAttributeNameCommand), true, ConfirmImpact.High)]
    [InlineData(typeof(GetImUserAttributeCommand), false, null)]
    public void Changing_cmdlets_support_should_process(Type t, bool supports, ConfirmImpact? impact)
    {
        var a = Attr<CmdletAttribute>(t)!;
        Assert.Equal(supports, Named(a, "SupportsShouldProcess") is true);
        if (impact is not null) Assert.Equal((int)impact, Named(a, "ConfirmImpact"));
    }

    [Theory]
    [InlineData(typeof(GetImUserAttributeCommand), "ByUserId")]
    [InlineData(typeof(RemoveImUserAttributeCommand), "ByUserId")]
    [InlineData(typeof(SetImUserAttributeCommand), "ByUserId")]
    public void Bulk_cmdlets_take_the_pipeline_only_through_InputObject(Type t, string defaultSet)
    {
        // A string[] parameter bound from the pipeline would turn any object into a "user id" by ToString(); an
        // InputObject read by the core reports an object that names no user instead.
        Assert.Equal(defaultSet, Named(Attr<CmdletAttribute>(t)!, "DefaultParameterSetName"));
        var pipelineParams = t.GetProperties().Where(p => Attrs<ParameterAttribute>(p).Any(a => Named(a, "ValueFromPipeline") is true || Named(a, "ValueFromPipelineByPropertyName") is true)).Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "InputObject" }, pipelineParams);
        var input = ParamAttr(t, "InputObject");
        Assert.Equal("ByInputObject", Named(input, "ParameterSetName"));
        Assert.Equal(true, Named(input, "ValueFromPipeline"));
        Assert.Equal(true, Named(input, "Mandatory"));
        Assert.Equal(typeof(PSObject), Param(t, "InputObject").PropertyType);
        var userId = ParamAttr(t, "UserId");
        Assert.Equal("ByUserId", Named(userId, "ParameterSetName"));
        Assert.Equal(true, Named(userId, "Mandatory"));
        Assert.Equal(0, Named(userId, "Position"));
        Assert.Equal(new[] { "To_Account", "Account" }, Aliases(t, "UserId"));
        Assert.Equal(typeof(string[]), Param(t, "UserId").PropertyType);
    }

    [Fact]
    public void Remove_takes_names_explicitly_or_from_the_pipeline_object()
    {
        var t = typeof(RemoveImUserAttributeCommand);
        Assert.Equal(true, Named(ParamAttr(t, "Name", "ByUserId"), "Mandatory"));
        Assert.Equal(1, Named(ParamAttr(t, "Name", "ByUserId"), "Position"));
        Assert.Null(Named(ParamAttr(t, "Name", "ByInputObject"), "Mandatory"));
        Assert.NotNull(Attr<ArgumentCompleterAttribute>(Param(t, "Name")));
    }

    [Fact]
    public void Set_has_two_parameter_sets_the_binder_cannot_confuse()
    {
        var t = typeof(SetImUserAttributeCommand);
        // The three bulk cmdlets agree on their default set (ByUserId); pipeline input still picks ByInputObject.
        Assert.Equal("ByUserId", Named(Attr<CmdletAttribute>(t)!, "DefaultParameterSetName"));
        // Only InputObject takes pipeline input, by value: whatever is piped in is read by the core, never half-bound.
        var pipelineParams = t.GetProperties().Where(p => Attrs<ParameterAttribute>(p).Any(a => Named(a, "ValueFromPipeline") is true || Named(a, "ValueFromPipelineByPropertyName") is true)).Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "InputObject" }, pipelineParams);
        Assert.Equal("ByInputObject", Named(ParamAttr(t, "InputObject"), "ParameterSetName"));
        Assert.Equal(typeof(PSObject), Param(t, "InputObject").PropertyType);
        var userId = ParamAttr(t, "UserId");
        Assert.Equal("ByUserId", Named(userId, "ParameterSetName"));
        Assert.Equal(true, Named(userId, "Mandatory"));
        Assert.Equal(true, Named(ParamAttr(t, "Attribute", "ByUserId"), "Mandatory"));
        Assert.Null(Named(ParamAttr(t, "Attribute", "ByInputObject"), "Mandatory"));
        Assert.Equal(typeof(System.Collections.IDictionary), Param(t, "Attribute").PropertyType);
    }

    [Fact]
    public void Every_cmdlet_takes_a_connection_and_bulk_cmdlets_take_throttle_and_retry()
    {
        foreach (var t in CmdletTypes.Where(t => t.Name.Contains("Attribute")))
        {
            Assert.Equal(typeof(Core.Connection.ImConnection), Param(t, "Connection").PropertyType);
        }
        foreach (var t in new[] { typeof(SetImUserAttributeCommand), typeof(GetImUserAttributeCommand), typeof(RemoveImUserAttributeCommand) })
        {
            Assert.NotNull(Attr<ValidateRangeAttribute>(Param(t, "ThrottleLimit")));
            Assert.NotNull(Attr<ValidateRangeAttribute>(Param(t, "MaxRetry")));
        }
    }

    [Fact]
    public void Connect_has_three_ways_to_authenticate_and_no_test_seam_parameter()
    {
        var t = typeof(ConnectImAppCommand);
        Assert.Equal("SecretKey", Named(ParamAttr(t, "SecretKey"), "ParameterSetName"));
        Assert.Equal(typeof(System.Security.SecureString), Param(t, "SecretKey").PropertyType);
        Assert.Equal("Credential", Named(ParamAttr(t, "Credential"), "ParameterSetName"));
        Assert.Equal(typeof(PSCredential), Param(t, "Credential").PropertyType);
        Assert.Equal("UserSig", Named(ParamAttr(t, "UserSig"), "ParameterSetName"));
        // The test seam is an internal static (TestSeam), not a parameter that users would see in syntax and completion.
        Assert.DoesNotContain(t.GetProperties(), p => typeof(System.Net.Http.HttpMessageHandler).IsAssignableFrom(p.PropertyType));
        var regions = (IEnumerable<CustomAttributeTypedArgument>)Attr<ValidateSetAttribute>(Param(t, "Region"))!.ConstructorArguments[0].Value!;
        Assert.Equal(ImRegions.Names, regions.Select(r => (string)r.Value!).ToArray());
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
