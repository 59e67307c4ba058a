using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using TencentImAttr.Cmdlets;

namespace TencentImAttr.Tests;

/// <summary>
/// The laid-out module (out/TencentImAttr/, made by the LayoutModule target of the build this test project depends on)
/// and the cmdlet metadata, read through CustomAttributeData.
/// </summary>
internal static class ModuleFiles
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The folder holding TencentImAttr.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot => Root.Value;

    public static string ModuleDir => Path.Combine(RepositoryRoot, "out", "TencentImAttr");
    public static string DependencyDir => Path.Combine(ModuleDir, "dependencies");
    public static string HelpFile => Path.Combine(ModuleDir, "en-US", "TencentImAttr.dll-Help.xml");
    public static string ManifestFile => Path.Combine(ModuleDir, "TencentImAttr.psd1");
    public static string SourceFormatFile => Path.Combine(RepositoryRoot, "src", "TencentImAttr", "TencentImAttr.format.ps1xml");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TencentImAttr.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No TencentImAttr.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>A string setting of the laid-out manifest (RootModule = 'TencentImAttr.dll').</summary>
    public static string? ManifestString(string key)
    {
        var match = Regex.Match(File.ReadAllText(ManifestFile), @"(?m)^\s*" + key + @"\s*=\s*'([^']*)'");
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>A list setting of the laid-out manifest (FormatsToProcess = @('a', 'b')).</summary>
    public static IReadOnlyList<string> ManifestList(string key)
    {
        var match = Regex.Match(File.ReadAllText(ManifestFile), @"(?ms)^\s*" + key + @"\s*=\s*@\((.*?)\)");
        if (!match.Success) return Array.Empty<string>();
        return Regex.Matches(match.Groups[1].Value, "'([^']*)'").Select(m => m.Groups[1].Value).ToList();
    }

    public static Assembly ModuleAssembly => typeof(SetImUserAttributeCommand).Assembly;

    /// <summary>Cmdlet name (Verb-Noun) to class, for every class with a Cmdlet attribute.</summary>
    public static IReadOnlyDictionary<string, Type> CmdletTypes { get; } = ModuleAssembly.GetExportedTypes()
        .Where(t => !t.IsAbstract && Attribute<CmdletAttribute>(t) is not null)
        .ToDictionary(CmdletName, t => t, StringComparer.OrdinalIgnoreCase);

    public static string CmdletName(Type type)
    {
        var a = Attribute<CmdletAttribute>(type)!;
        return a.ConstructorArguments[0].Value + "-" + a.ConstructorArguments[1].Value;
    }

    public static CustomAttributeData? Attribute<T>(MemberInfo member) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(T));

    public static IEnumerable<CustomAttributeData> Attributes<T>(MemberInfo member) =>
        member.GetCustomAttributesData().Where(a => a.AttributeType == typeof(T));

    public static object? Named(CustomAttributeData a, string name) =>
        a.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();

    /// <summary>The cmdlet's parameters a user sees: properties with a Parameter attribute and no DontShow.</summary>
    public static IEnumerable<PropertyInfo> VisibleParameters(Type cmdlet) =>
        cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => Attributes<ParameterAttribute>(p).Any() && !Attributes<ParameterAttribute>(p).Any(a => Named(a, "DontShow") is true));

    /// <summary>The types of a cmdlet's OutputType attributes (typeof(void) left out).</summary>
    public static IEnumerable<Type> OutputTypes(Type cmdlet) =>
        Attributes<OutputTypeAttribute>(cmdlet)
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> items ? items.Select(i => i.Value) : new[] { arg.Value })
            .OfType<Type>()
            .Where(t => t != typeof(void));
}
