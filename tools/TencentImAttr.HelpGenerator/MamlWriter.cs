using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;

namespace TencentImAttr.HelpGenerator;

/// <summary>
/// Writes PowerShell's MAML command help (the schema Get-Help reads from &lt;Assembly&gt;.dll-Help.xml). The common
/// parameters are left out: PowerShell adds them itself. -WhatIf and -Confirm are written for the cmdlets that support
/// ShouldProcess, as PowerShell's own help does.
/// </summary>
internal sealed class MamlWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private static readonly XNamespace MSHelp = "http://msdn.microsoft.com/mshelp";

    private readonly XmlDocs _docs;
    private readonly List<string> _problems = new();

    public MamlWriter(XmlDocs docs) => _docs = docs;

    /// <summary>What is missing from the docs (no summary, too few examples): the build fails on these.</summary>
    public IReadOnlyList<string> Problems => _problems;

    public XDocument Write(IReadOnlyList<CmdletModel> cmdlets) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"), cmdlets.Select(c => CommandElement(c, cmdlets))));

    private XElement CommandElement(CmdletModel cmdlet, IReadOnlyList<CmdletModel> all)
    {
        var member = _docs.ForType(cmdlet.Type);
        var summary = XmlDocs.Paragraphs(member, "summary");
        var remarks = XmlDocs.Paragraphs(member, "remarks");
        var examples = XmlDocs.Examples(member);
        if (summary.Count == 0) _problems.Add($"{cmdlet.Name} ({cmdlet.Type.FullName}) has no <summary>.");
        if (string.IsNullOrEmpty(cmdlet.HelpUri)) _problems.Add($"{cmdlet.Name} ({cmdlet.Type.FullName}) has no HelpUri in its Cmdlet attribute.");
        if (examples.Count < 2) _problems.Add($"{cmdlet.Name} ({cmdlet.Type.FullName}) has {examples.Count} <example> element(s); it needs at least 2.");
        foreach (var (example, i) in examples.Select((e, i) => (e, i + 1)))
        {
            if (example.Code.Length == 0) _problems.Add($"{cmdlet.Name}: example {i} has no <code>.");
            if (example.Remarks.Count == 0) _problems.Add($"{cmdlet.Name}: example {i} has no explanation.");
        }

        var parameters = Visible(cmdlet).ToList();
        return new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MSHelp),
            new XElement(Command + "details",
                new XElement(Command + "name", cmdlet.Name),
                new XElement(Command + "verb", cmdlet.Verb),
                new XElement(Command + "noun", cmdlet.Noun),
                Description(summary.Count > 0 ? new[] { DocText.FirstSentence(summary[0]) } : Array.Empty<string>())),
            Description(summary.Concat(remarks)),
            new XElement(Command + "syntax", cmdlet.ParameterSets.Select(set => SyntaxItem(cmdlet, set, parameters))),
            new XElement(Command + "parameters", parameters.Select(p => ParameterElement(WithRequiredPerSet(cmdlet, p), Merged(p), inSyntax: false)),
                cmdlet.SupportsShouldProcess ? ShouldProcessParameters(inSyntax: false) : null),
            InputTypes(parameters),
            ReturnValues(cmdlet),
            new XElement(Command + "examples", examples.Select((e, i) => ExampleElement(e, i + 1))),
            RelatedLinks(cmdlet, all));
    }

    /// <summary>The parameters a user sees (DontShow ones are hidden, as in PowerShell's own syntax), with their docs checked.</summary>
    private IEnumerable<(ParameterModel Parameter, IReadOnlyList<string> Text)> Visible(CmdletModel cmdlet)
    {
        foreach (var parameter in cmdlet.Parameters.Where(p => !p.DontShow))
        {
            // A cmdlet's own <parameter name="..."> text wins over the summary of an inherited parameter.
            var text = _docs.ForCmdletParameter(cmdlet.Type, parameter.Name) is { } own
                ? DocText.Paragraphs(own.Nodes())
                : XmlDocs.Paragraphs(_docs.ForProperty(parameter.Property), "summary");
            if (text.Count == 0) _problems.Add($"{cmdlet.Name} -{parameter.Name} ({parameter.Property.DeclaringType!.FullName}.{parameter.Name}) has no <summary>.");
            if (parameter.AcceptedValues is { Count: > 0 } values) text = text.Append("Accepted values: " + string.Join(", ", values) + ".").ToList();
            yield return (parameter, text);
        }
    }

    private static XElement SyntaxItem(CmdletModel cmdlet, string set, IReadOnlyList<(ParameterModel Parameter, IReadOnlyList<string> Text)> parameters)
    {
        var inSet = parameters
            .Select(p => (p.Parameter, p.Text, Entry: p.Parameter.EntryFor(set)))
            .Where(p => p.Entry is not null)
            .Select((p, index) => (p.Parameter, p.Text, Entry: p.Entry!, Index: index))
            .ToList();
        // As PowerShell orders a syntax line: positional parameters by position, then mandatory ones, then the rest.
        var ordered = inSet
            .OrderBy(p => p.Entry.Position.HasValue ? 0 : p.Entry.Mandatory ? 1 : 2)
            .ThenBy(p => p.Entry.Position ?? 0)
            .ThenBy(p => p.Index);
        return new XElement(Command + "syntaxItem",
            new XElement(Maml + "name", cmdlet.Name),
            ordered.Select(p => ParameterElement((p.Parameter, p.Text), p.Entry, inSyntax: true)),
            cmdlet.SupportsShouldProcess ? ShouldProcessParameters(inSyntax: true) : null);
    }

    /// <summary>
    /// A parameter across its sets, for the PARAMETERS section: required when mandatory in any set it is in (the text
    /// then says in which, see <see cref="WithRequiredPerSet"/>); its
    /// position when it has one single position; bound from the pipeline however any set binds it.
    /// </summary>
    private static ParameterSetEntry Merged((ParameterModel Parameter, IReadOnlyList<string> Text) p)
    {
        var sets = p.Parameter.Sets;
        var positions = sets.Select(s => s.Position).OfType<int>().Distinct().ToList();
        return new ParameterSetEntry(
            "",
            sets.Any(s => s.Mandatory),
            positions.Count == 1 ? positions[0] : null,
            sets.Any(s => s.ValueFromPipeline),
            sets.Any(s => s.ValueFromPipelineByPropertyName));
    }

    /// <summary>
    /// The PARAMETERS section's text, with a sentence that says in which parameter sets the parameter is required
    /// when the sets disagree: Get-Help reads "Required?" as a boolean (true when any set requires it), so that one
    /// value cannot say "required with -UserId" by itself.
    /// </summary>
    private static (ParameterModel Parameter, IReadOnlyList<string> Text) WithRequiredPerSet(CmdletModel cmdlet, (ParameterModel Parameter, IReadOnlyList<string> Text) p)
    {
        var perSet = cmdlet.ParameterSets
            .Select(set => (Set: set, Entry: p.Parameter.EntryFor(set)))
            .Where(s => s.Entry is not null)
            .ToLookup(s => s.Entry!.Mandatory, s => s.Set);
        if (!perSet[true].Any() || !perSet[false].Any()) return p;
        var sentence = $"Required in the parameter set {string.Join(" and ", perSet[true])}; optional in {string.Join(" and ", perSet[false])}.";
        return (p.Parameter, p.Text.Append(sentence).ToList());
    }

    private static XElement ParameterElement((ParameterModel Parameter, IReadOnlyList<string> Text) p, ParameterSetEntry entry, bool inSyntax)
    {
        var (parameter, text) = p;
        var typeName = FriendlyName(parameter.Type);
        return new XElement(Command + "parameter",
            new XAttribute("required", Bool(entry.Mandatory)),
            new XAttribute("variableLength", Bool(parameter.Type.IsArray)),
            new XAttribute("globbing", Bool(parameter.SupportsWildcards)),
            new XAttribute("pipelineInput", PipelineInput(entry)),
            new XAttribute("position", entry.Position?.ToString(CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases)),
            new XElement(Maml + "name", parameter.Name),
            Description(text),
            inSyntax && parameter.AcceptedValues is { Count: > 0 } values
                ? new XElement(Command + "parameterValueGroup", values.Select(v =>
                    new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute(Command + "variableLength", "false"), v)))
                : null,
            inSyntax && parameter.IsSwitch
                ? null
                : new XElement(Command + "parameterValue", new XAttribute("required", Bool(!parameter.IsSwitch)), new XAttribute("variableLength", "false"), typeName),
            new XElement(Dev + "type", new XElement(Maml + "name", typeName), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", parameter.DefaultValue ?? (parameter.IsSwitch ? "False" : "None")));
    }

    private static IEnumerable<XElement> ShouldProcessParameters(bool inSyntax)
    {
        XElement Switch(string name, string alias, string text) =>
            new(Command + "parameter",
                new XAttribute("required", "false"), new XAttribute("variableLength", "false"), new XAttribute("globbing", "false"),
                new XAttribute("pipelineInput", "False"), new XAttribute("position", "named"), new XAttribute("aliases", alias),
                new XElement(Maml + "name", name),
                Description(new[] { text }),
                inSyntax ? null : new XElement(Command + "parameterValue", new XAttribute("required", "false"), new XAttribute("variableLength", "false"), "SwitchParameter"),
                new XElement(Dev + "type", new XElement(Maml + "name", "SwitchParameter"), new XElement(Maml + "uri")),
                new XElement(Dev + "defaultValue", "False"));
        yield return Switch("WhatIf", "wi", "Shows what would happen if the cmdlet runs. The cmdlet is not run: nothing is sent.");
        yield return Switch("Confirm", "cf", "Prompts you for confirmation before running the cmdlet.");
    }

    private static readonly string[] NoInput = { "You cannot pipe objects to this cmdlet." };
    private static readonly string[] NoOutput = { "This cmdlet writes no output." };

    private static XElement InputTypes(IReadOnlyList<(ParameterModel Parameter, IReadOnlyList<string> Text)> parameters)
    {
        var bound = parameters
            .Select(p => (p.Parameter, Entry: Merged(p)))
            .Where(p => p.Entry.ValueFromPipeline || p.Entry.ValueFromPipelineByPropertyName)
            .GroupBy(p => p.Parameter.Type.FullName ?? p.Parameter.Type.Name)
            .ToList();
        if (bound.Count == 0)
        {
            return new XElement(Command + "inputTypes", TypeItem(Command + "inputType", "None", NoInput));
        }
        return new XElement(Command + "inputTypes", bound.Select(group =>
            TypeItem(Command + "inputType", group.Key, group.Select(p =>
            {
                var how = new List<string>();
                if (p.Entry.ValueFromPipeline) how.Add("by value");
                if (p.Entry.ValueFromPipelineByPropertyName)
                {
                    how.Add("by property name (" + string.Join(", ", new[] { p.Parameter.Name }.Concat(p.Parameter.Aliases)) + ")");
                }
                return $"-{p.Parameter.Name} takes pipeline input {string.Join(" and ", how)}.";
            }).ToList())));
    }

    private XElement ReturnValues(CmdletModel cmdlet)
    {
        var outputs = cmdlet.OutputTypes.Where(o => !o.IsVoid).ToList();
        if (outputs.Count == 0)
        {
            return new XElement(Command + "returnValues", TypeItem(Command + "returnValue", "None", NoOutput));
        }
        return new XElement(Command + "returnValues", outputs.Select(o =>
            TypeItem(Command + "returnValue", o.FullName, o.Type is null ? Array.Empty<string>() : XmlDocs.Paragraphs(_docs.ForType(o.Type), "summary"))));
    }

    private static XElement TypeItem(XName name, string typeName, IEnumerable<string> text) =>
        new(name,
            new XElement(Dev + "type", new XElement(Maml + "name", typeName), new XElement(Maml + "uri")),
            Description(text));

    private static XElement ExampleElement(Example example, int number)
    {
        var title = example.Title is null ? $"Example {number}" : $"Example {number}: {example.Title}";
        return new XElement(Command + "example",
            new XElement(Maml + "title", $"----- {title} -----"),
            new XElement(Dev + "code", example.Code),
            // The empty paragraph puts a blank line between an example's explanation and the next example's title.
            new XElement(Dev + "remarks", example.Remarks.Select(r => new XElement(Maml + "para", r)), new XElement(Maml + "para", "")));
    }

    /// <summary>
    /// The cmdlet's page online first (the link Get-Help -Online opens), then the cmdlets of the same noun or the same
    /// output type, and Connect-ImApp, which every other cmdlet needs.
    /// </summary>
    private static XElement RelatedLinks(CmdletModel cmdlet, IReadOnlyList<CmdletModel> all) =>
        new(Command + "relatedLinks",
            cmdlet.HelpUri is null ? null : new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", OnlineVersion), new XElement(Maml + "uri", cmdlet.HelpUri)),
            all.Where(c => c != cmdlet && (c.Noun == cmdlet.Noun || c.Verb == "Connect" || SharesOutput(c, cmdlet)))
                .Select(c => new XElement(Maml + "navigationLink", new XElement(Maml + "linkText", c.Name), new XElement(Maml + "uri"))));

    /// <summary>The link text PowerShell's own help gives the online page.</summary>
    internal const string OnlineVersion = "Online Version:";

    private static bool SharesOutput(CmdletModel a, CmdletModel b) =>
        a.OutputTypes.Where(o => !o.IsVoid).Select(o => o.FullName).Intersect(b.OutputTypes.Where(o => !o.IsVoid).Select(o => o.FullName)).Any();

    private static XElement Description(IEnumerable<string> paragraphs) =>
        new(Maml + "description", paragraphs.Select(p => new XElement(Maml + "para", p)));

    private static string PipelineInput(ParameterSetEntry entry) => (entry.ValueFromPipeline, entry.ValueFromPipelineByPropertyName) switch
    {
        (true, true) => "True (ByValue, ByPropertyName)",
        (true, false) => "True (ByValue)",
        (false, true) => "True (ByPropertyName)",
        _ => "False",
    };

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>The type as PowerShell's help shows it: String[], Int64, IDictionary, ImConnection.</summary>
    internal static string FriendlyName(Type type)
    {
        if (type.IsArray) return FriendlyName(type.GetElementType()!) + "[]";
        if (!type.IsGenericType) return type.Name;
        var name = type.Name[..type.Name.IndexOf('`')];
        return name + "[" + string.Join(", ", type.GetGenericArguments().Select(FriendlyName)) + "]";
    }
}
