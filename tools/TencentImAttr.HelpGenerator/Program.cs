using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Xml;

namespace TencentImAttr.HelpGenerator;

/// <summary>
/// dotnet TencentImAttr.HelpGenerator.dll --assembly TencentImAttr.dll --xmldoc TencentImAttr.xml [--xmldoc ...]
///     [--reference path.dll ...] [--references file-with-one-path-a-line] --out en-US/TencentImAttr.dll-Help.xml
///     [--docs folder-for-one-markdown-page-per-cmdlet]
/// </summary>
internal static class Program
{
    private const string Origin = "TencentImAttr.HelpGenerator";

    public static int Main(string[] args)
    {
        try
        {
            return Run(Options.Parse(args));
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{Origin} : error HELP000 : {e.Message}");
            Console.Error.WriteLine("Usage: dotnet TencentImAttr.HelpGenerator.dll --assembly <dll> --xmldoc <xml>... [--reference <dll>...] [--references <file>] --out <file> [--docs <folder>]");
            return 2;
        }
    }

    private static int Run(Options options)
    {
        // The module's own folder (its core and dependencies) and the compile references (netstandard, the
        // PowerShellStandard System.Management.Automation) are all that is needed to read the attributes' data.
        var paths = options.References
            .Concat(Directory.EnumerateFiles(Path.GetDirectoryName(Path.GetFullPath(options.Assembly))!, "*.dll"))
            .Append(options.Assembly)
            .Select(Path.GetFullPath)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths), coreAssemblyName: "netstandard");
        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(options.Assembly));
        var cmdlets = CmdletReader.Read(assembly);
        if (cmdlets.Count == 0)
        {
            Console.Error.WriteLine($"{Origin} : error HELP002 : No cmdlet class found in {options.Assembly}.");
            return 1;
        }

        var writer = new MamlWriter(XmlDocs.Load(options.XmlDocs));
        var document = writer.Write(cmdlets);
        if (writer.Problems.Count > 0)
        {
            foreach (var problem in writer.Problems.Distinct()) Console.Error.WriteLine($"{Origin} : error HELP001 : {problem}");
            return 1;
        }

        WriteIfChanged(options.Out, Serialize(document), bom: true);
        Console.WriteLine($"{Origin}: help for {cmdlets.Count} cmdlets -> {options.Out}");
        if (options.Docs is not null)
        {
            var pages = MarkdownWriter.Pages(document);
            Directory.CreateDirectory(options.Docs);
            foreach (var stale in Directory.EnumerateFiles(options.Docs, "*.md").Where(f => !pages.ContainsKey(Path.GetFileName(f))))
            {
                File.Delete(stale);
            }
            foreach (var page in pages) WriteIfChanged(Path.Combine(options.Docs, page.Key), page.Value, bom: false);
            Console.WriteLine($"{Origin}: {pages.Count} pages -> {options.Docs}");
        }
        return 0;
    }

    /// <summary>Writes a file only when its text changes, so that an unchanged build leaves the layout untouched.</summary>
    private static void WriteIfChanged(string path, string text, bool bom)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!File.Exists(path) || File.ReadAllText(path) != text)
        {
            File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: bom));
        }
    }

    private static string Serialize(System.Xml.Linq.XDocument document)
    {
        var builder = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\n", Encoding = Encoding.UTF8 };
        using (var xml = XmlWriter.Create(new StringWriterUtf8(builder), settings))
        {
            document.Save(xml);
        }
        return builder.Append('\n').ToString();
    }

    private sealed class StringWriterUtf8(StringBuilder builder) : StringWriter(builder, System.Globalization.CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }

    private sealed class Options
    {
        public string Assembly { get; private set; } = "";
        public List<string> XmlDocs { get; } = new();
        public List<string> References { get; } = new();
        public string Out { get; private set; } = "";
        public string? Docs { get; private set; }

        public static Options Parse(string[] args)
        {
            var options = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--assembly": options.Assembly = Value(); break;
                    case "--xmldoc": options.XmlDocs.Add(Value()); break;
                    case "--reference": options.References.Add(Value()); break;
                    case "--references":
                        options.References.AddRange(File.ReadAllLines(Value()).Select(l => l.Trim()).Where(l => l.Length > 0));
                        break;
                    case "--out": options.Out = Value(); break;
                    case "--docs": options.Docs = Value(); break;
                    default: throw new UsageException($"Unknown argument '{args[i]}'.");
                }
            }
            if (options.Assembly.Length == 0 || options.Out.Length == 0 || options.XmlDocs.Count == 0)
            {
                throw new UsageException("--assembly, --xmldoc and --out are required.");
            }
            foreach (var file in options.XmlDocs.Append(options.Assembly).Concat(options.References))
            {
                if (!File.Exists(file)) throw new UsageException($"'{file}' does not exist.");
            }
            return options;
        }
    }

    private sealed class UsageException(string message) : Exception(message);
}
