using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Reflection;

namespace TencentImAttr.HelpGenerator;

/// <summary>One cmdlet class, as PowerShell would see it: read from its attributes' metadata, never by running it.</summary>
internal sealed class CmdletModel
{
    public required Type Type { get; init; }
    public required string Verb { get; init; }
    public required string Noun { get; init; }
    public string Name => Verb + "-" + Noun;
    public string? DefaultParameterSetName { get; init; }
    public bool SupportsShouldProcess { get; init; }

    /// <summary>The Cmdlet attribute's HelpUri: the cmdlet's page online (Get-Help -Online).</summary>
    public string? HelpUri { get; init; }
    public required IReadOnlyList<ParameterModel> Parameters { get; init; }

    /// <summary>The parameter sets in display order: the default set first, then in the order the parameters name them.</summary>
    public required IReadOnlyList<string> ParameterSets { get; init; }

    /// <summary>The OutputType attributes: a type, or a type name given as a string.</summary>
    public required IReadOnlyList<OutputTypeModel> OutputTypes { get; init; }
}

/// <summary>A type named by an OutputType attribute.</summary>
internal sealed record OutputTypeModel(Type? Type, string FullName)
{
    public bool IsVoid => FullName == "System.Void";
}

/// <summary>One cmdlet parameter: a property with one or more Parameter attributes.</summary>
internal sealed class ParameterModel
{
    public required PropertyInfo Property { get; init; }
    public string Name => Property.Name;
    public required Type Type { get; init; }
    public required IReadOnlyList<ParameterSetEntry> Sets { get; init; }
    public required IReadOnlyList<string> Aliases { get; init; }

    /// <summary>ValidateSet values, or the names of an enum type; null when any value goes.</summary>
    public IReadOnlyList<string>? AcceptedValues { get; init; }
    public bool DontShow { get; init; }
    public bool SupportsWildcards { get; init; }

    /// <summary>What a PSDefaultValue attribute says the default is (its Value, else its Help text), or null.</summary>
    public string? DefaultValue { get; init; }
    public bool IsSwitch => Type.FullName == "System.Management.Automation.SwitchParameter";

    /// <summary>The entry of this parameter for a set, or null when the parameter is not in it.</summary>
    public ParameterSetEntry? EntryFor(string setName) =>
        Sets.FirstOrDefault(s => s.SetName == setName) ?? Sets.FirstOrDefault(s => s.SetName == CmdletReader.AllParameterSets);
}

/// <summary>What one Parameter attribute says.</summary>
internal sealed record ParameterSetEntry(string SetName, bool Mandatory, int? Position, bool ValueFromPipeline, bool ValueFromPipelineByPropertyName);

/// <summary>
/// Reads cmdlet metadata through <see cref="CustomAttributeData"/> only: the System.Management.Automation the module
/// is compiled against is a stub whose attribute getters return null, and in a MetadataLoadContext nothing runs anyway.
/// </summary>
internal static class CmdletReader
{
    public const string AllParameterSets = "__AllParameterSets";
    private const string Sma = "System.Management.Automation.";

    public static IReadOnlyList<CmdletModel> Read(Assembly assembly) =>
        assembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsAbstract)
            .Select(ReadCmdlet)
            .OfType<CmdletModel>()
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();

    private static CmdletModel? ReadCmdlet(Type type)
    {
        var cmdlet = Attribute(type.GetCustomAttributesData(), "CmdletAttribute");
        if (cmdlet is null) return null;

        var parameters = OrderedProperties(type).Select(ReadParameter).OfType<ParameterModel>().ToList();
        var defaultSet = (string?)Named(cmdlet, "DefaultParameterSetName");
        var named = parameters.SelectMany(p => p.Sets).Select(s => s.SetName).Where(s => s != AllParameterSets).Distinct().ToList();
        if (defaultSet is not null && named.Remove(defaultSet)) named.Insert(0, defaultSet);
        if (named.Count == 0) named.Add(AllParameterSets);

        return new CmdletModel
        {
            Type = type,
            Verb = (string)cmdlet.ConstructorArguments[0].Value!,
            Noun = (string)cmdlet.ConstructorArguments[1].Value!,
            DefaultParameterSetName = defaultSet,
            SupportsShouldProcess = Named(cmdlet, "SupportsShouldProcess") is true,
            HelpUri = (string?)Named(cmdlet, "HelpUri"),
            Parameters = parameters,
            ParameterSets = named,
            OutputTypes = type.GetCustomAttributesData()
                .Where(a => a.AttributeType.FullName == Sma + "OutputTypeAttribute")
                .SelectMany(a => a.ConstructorArguments.SelectMany(Flatten))
                .Select(v => v switch
                {
                    Type t => new OutputTypeModel(t, t.FullName ?? t.Name),
                    string s => new OutputTypeModel(null, s),
                    _ => throw new InvalidOperationException($"{type.FullName}: unexpected OutputType argument '{v}'."),
                })
                .ToList(),
        };
    }

    /// <summary>The public properties, the cmdlet's own first and then each base class's, each in source order.</summary>
    private static IEnumerable<PropertyInfo> OrderedProperties(Type type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var t = type; t is not null && t.FullName != Sma + "PSCmdlet" && t.FullName != Sma + "Cmdlet"; t = t.BaseType)
        {
            var declared = t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .OrderBy(p => p.MetadataToken);
            foreach (var property in declared)
            {
                if (seen.Add(property.Name)) yield return property;
            }
        }
    }

    private static ParameterModel? ReadParameter(PropertyInfo property)
    {
        var attributes = property.GetCustomAttributesData();
        var entries = attributes
            .Where(a => a.AttributeType.FullName == Sma + "ParameterAttribute")
            .Select(a => (Data: a, Entry: new ParameterSetEntry(
                (string?)Named(a, "ParameterSetName") ?? AllParameterSets,
                Named(a, "Mandatory") is true,
                Named(a, "Position") is int position && position >= 0 ? position : null,
                Named(a, "ValueFromPipeline") is true,
                Named(a, "ValueFromPipelineByPropertyName") is true)))
            .ToList();
        if (entries.Count == 0) return null;

        // Nullable<T> shows as T (typeof(Nullable<>) is the runtime's, not the MetadataLoadContext's: compare names).
        var type = property.PropertyType;
        if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1") type = type.GetGenericArguments()[0];
        var validateSet = Attribute(attributes, "ValidateSetAttribute");
        IReadOnlyList<string>? accepted = validateSet is not null
            ? validateSet.ConstructorArguments.SelectMany(Flatten).Cast<string>().ToList()
            : EnumNames(type);

        return new ParameterModel
        {
            Property = property,
            Type = type,
            Sets = entries.Select(e => e.Entry).ToList(),
            Aliases = attributes.Where(a => a.AttributeType.FullName == Sma + "AliasAttribute")
                .SelectMany(a => a.ConstructorArguments.SelectMany(Flatten)).Cast<string>().ToList(),
            AcceptedValues = accepted,
            DontShow = entries.Any(e => Named(e.Data, "DontShow") is true),
            SupportsWildcards = Attribute(attributes, "SupportsWildcardsAttribute") is not null,
            DefaultValue = Attribute(attributes, "PSDefaultValueAttribute") is { } d ? DefaultText(d) : null,
        };
    }

    /// <summary>The default as help shows it: the Value in the invariant culture, else the Help text.</summary>
    private static string? DefaultText(CustomAttributeData attribute) => Named(attribute, "Value") switch
    {
        null => (string?)Named(attribute, "Help"),
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    private static List<string>? EnumNames(Type type)
    {
        var element = type.IsArray ? type.GetElementType()! : type;
        if (!element.IsEnum) return null;
        return element.GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => f.MetadataToken).Select(f => f.Name).ToList();
    }

    private static CustomAttributeData? Attribute(IEnumerable<CustomAttributeData> attributes, string name) =>
        attributes.FirstOrDefault(a => a.AttributeType.FullName == Sma + name);

    private static object? Named(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.Where(n => n.MemberName == name).Select(n => n.TypedValue.Value).FirstOrDefault();

    /// <summary>A constructor argument's values: a params array's elements, or the single value.</summary>
    private static IEnumerable<object?> Flatten(CustomAttributeTypedArgument argument) =>
        argument.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items ? items.Select(i => i.Value) : new[] { argument.Value };
}
