using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace TencentImAttr.HelpGenerator;

/// <summary>One example of a cmdlet: an optional title, the code, and what it does.</summary>
internal sealed record Example(string? Title, string Code, IReadOnlyList<string> Remarks);

/// <summary>The compiler's XML documentation files, by member id (T:Namespace.Type, P:Namespace.Type.Property).</summary>
internal sealed class XmlDocs
{
    private readonly Dictionary<string, XElement> _members = new(StringComparer.Ordinal);

    public static XmlDocs Load(IEnumerable<string> paths)
    {
        var docs = new XmlDocs();
        foreach (var path in paths)
        {
            foreach (var member in XDocument.Load(path).Descendants("member"))
            {
                var name = (string?)member.Attribute("name");
                if (name is not null) docs._members[name] = member;
            }
        }
        return docs;
    }

    public XElement? ForType(Type type) => Get("T:" + DocName(type));

    /// <summary>A property's docs, looked up on the class that declares it (generic bases by their definition).</summary>
    public XElement? ForProperty(PropertyInfo property) => Get("P:" + DocName(property.DeclaringType!) + "." + property.Name);

    /// <summary>
    /// A cmdlet's own text for one of its parameters: a <c>&lt;parameter name="X"&gt;</c> element in the class's doc
    /// comment, for parameters declared once in a base class but described per cmdlet. Null when the class has none.
    /// </summary>
    public XElement? ForCmdletParameter(Type cmdlet, string parameter) =>
        ForType(cmdlet)?.Elements("parameter").FirstOrDefault(e => string.Equals((string?)e.Attribute("name"), parameter, StringComparison.OrdinalIgnoreCase));

    private XElement? Get(string id) => _members.TryGetValue(id, out var member) ? member : null;

    private static string DocName(Type type)
    {
        if (type.IsGenericType && !type.IsGenericTypeDefinition) type = type.GetGenericTypeDefinition();
        return (type.FullName ?? type.Name).Replace('+', '.');
    }

    /// <summary>The paragraphs of a doc element's child (summary, remarks), or none.</summary>
    public static IReadOnlyList<string> Paragraphs(XElement? member, string child) =>
        member?.Element(child) is { } element ? DocText.Paragraphs(element.Nodes()) : Array.Empty<string>();

    /// <summary>
    /// The examples of a member. In an &lt;example&gt;, the text before &lt;code&gt; is the title and the text after it
    /// the explanation; text before the code alone is the explanation.
    /// </summary>
    public static IReadOnlyList<Example> Examples(XElement? member)
    {
        if (member is null) return Array.Empty<Example>();
        var examples = new List<Example>();
        foreach (var example in member.Elements("example"))
        {
            var code = example.Element("code");
            if (code is null)
            {
                examples.Add(new Example(null, "", DocText.Paragraphs(example.Nodes())));
                continue;
            }
            var before = DocText.Paragraphs(code.NodesBeforeSelf());
            var after = DocText.Paragraphs(code.NodesAfterSelf());
            var title = before.Count > 0 ? string.Join(" ", before) : null;
            if (after.Count == 0 && title is not null)
            {
                after = new[] { title };
                title = null;
            }
            examples.Add(new Example(title?.TrimEnd('.', ':'), DocText.Code(code.Value), after));
        }
        return examples;
    }
}

/// <summary>Turns doc-comment markup into plain paragraphs, as Get-Help shows them.</summary>
internal static class DocText
{
    private static readonly Regex Spaces = new(@"\s+", RegexOptions.Compiled);

    public static IReadOnlyList<string> Paragraphs(IEnumerable<XNode> nodes)
    {
        var paragraphs = new List<string>();
        var current = new StringBuilder();
        void Flush()
        {
            var text = Spaces.Replace(current.ToString(), " ").Trim();
            if (text.Length > 0) paragraphs.Add(text);
            current.Clear();
        }
        void Walk(IEnumerable<XNode> children)
        {
            foreach (var node in children)
            {
                switch (node)
                {
                    case XText text:
                        current.Append(text.Value);
                        break;
                    case XElement { Name.LocalName: "para" } para:
                        Flush();
                        Walk(para.Nodes());
                        Flush();
                        break;
                    case XElement { Name.LocalName: "code" } code:
                        Flush();
                        paragraphs.Add(Code(code.Value));
                        break;
                    case XElement { Name.LocalName: "list" } list:
                        Flush();
                        foreach (var item in list.Elements("item"))
                        {
                            var term = item.Element("term") is { } t ? Inline(t) : null;
                            var description = item.Element("description") is { } d ? Inline(d) : Inline(item);
                            paragraphs.Add("- " + (term is null ? description : term + ": " + description));
                        }
                        break;
                    case XElement { Name.LocalName: "br" }:
                        Flush();
                        break;
                    case XElement element:
                        current.Append(InlineElement(element));
                        break;
                }
            }
        }
        Walk(nodes);
        Flush();
        return paragraphs;
    }

    private static string Inline(XElement element) => Spaces.Replace(string.Concat(element.Nodes().Select(n => n switch
    {
        XText text => text.Value,
        XElement child => InlineElement(child),
        _ => "",
    })), " ").Trim();

    private static string InlineElement(XElement element) => element.Name.LocalName switch
    {
        "see" or "seealso" when element.Attribute("langword") is { } word => word.Value,
        "see" or "seealso" when !element.IsEmpty => Inline(element),
        "see" or "seealso" when element.Attribute("cref") is { } cref => CrefText(cref.Value),
        "see" or "seealso" when element.Attribute("href") is { } href => href.Value,
        "paramref" or "typeparamref" => (string?)element.Attribute("name") ?? "",
        _ => Inline(element),
    };

    /// <summary>"T:TencentImAttr.Models.UserAttributes" is UserAttributes; "M:A.B.C(System.Int32)" is C.</summary>
    private static string CrefText(string cref)
    {
        var name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        var paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        name = name[(name.LastIndexOf('.') + 1)..];
        var tick = name.IndexOf('`');
        return tick >= 0 ? name[..tick] : name;
    }

    /// <summary>A code block: the common indentation and the blank first and last lines removed.</summary>
    public static string Code(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0) lines.RemoveAt(0);
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        var indent = lines.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l));
    }

    /// <summary>The first sentence of a text: up to the first '.', '!' or '?' followed by a space or the end (not "e.g.").</summary>
    public static string FirstSentence(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is not ('.' or '!' or '?')) continue;
            if (i + 1 < text.Length && text[i + 1] != ' ') continue;
            var start = text.LastIndexOf(' ', Math.Max(i - 1, 0)) + 1;
            var word = text[start..i].TrimStart('(');
            if (word is "e.g" or "i.e" or "etc" or "vs" or "cf") continue;
            return text[..(i + 1)];
        }
        return text;
    }
}
