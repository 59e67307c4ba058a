using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;
using Xunit;

namespace TencentImAttr.Tests.Cmdlets;

/// <summary>The format views (TencentImAttr.format.ps1xml) against the types the cmdlets declare they write.</summary>
public class FormatTests
{
    private static readonly Lazy<XDocument> Format = new(() => XDocument.Load(ModuleFiles.SourceFormatFile));

    private static Type[] OutputTypes => ModuleFiles.CmdletTypes.Values.SelectMany(ModuleFiles.OutputTypes).Distinct().ToArray();

    public static TheoryData<string> OutputTypeNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in OutputTypes) data.Add(type.FullName!);
        return data;
    }

    private static XElement[] ViewsOf(string typeName) =>
        Format.Value.Descendants("View").Where(v => v.Element("ViewSelectedBy")!.Elements("TypeName").Any(t => t.Value.Trim() == typeName)).ToArray();

    [Fact]
    public void Format_file_is_well_formed_and_laid_out_and_loaded_by_the_manifest()
    {
        Assert.Equal("Configuration", Format.Value.Root!.Name.LocalName);
        var name = Path.GetFileName(ModuleFiles.SourceFormatFile);
        Assert.Contains(name, ModuleFiles.ManifestList("FormatsToProcess"));
        var laidOut = Path.Combine(ModuleFiles.ModuleDir, name);
        Assert.True(File.Exists(laidOut), $"{laidOut} is missing: run dotnet build");
        Assert.Equal(File.ReadAllText(ModuleFiles.SourceFormatFile), File.ReadAllText(laidOut));
    }

    [Fact]
    public void Output_types_are_the_expected_ones()
    {
        Assert.Equal(
            new[] { "TencentImAttr.Core.Connection.ImConnection", "TencentImAttr.Models.AppAttributeName", "TencentImAttr.Models.AttributeDrift", "TencentImAttr.Models.BulkRunSummary", "TencentImAttr.Models.RemovedUserAttributes", "TencentImAttr.Models.RunJournalHeader", "TencentImAttr.Models.RunJournalRecord", "TencentImAttr.Models.RunUndoStep", "TencentImAttr.Models.RunUndoSummary", "TencentImAttr.Models.TagDrift", "TencentImAttr.Models.UserAttributes", "TencentImAttr.Models.UserTags" },
            OutputTypes.Select(t => t.FullName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(OutputTypeNames))]
    public void Every_output_type_has_a_table_and_a_list_view(string typeName)
    {
        var views = ViewsOf(typeName);
        Assert.True(views.Length > 0, $"no view for {typeName}");
        Assert.Contains(views, v => v.Element("TableControl") is not null);
        Assert.Contains(views, v => v.Element("ListControl") is not null);
        foreach (var view in views) Assert.False(string.IsNullOrWhiteSpace((string?)view.Element("Name")));
    }

    [Theory]
    [MemberData(nameof(OutputTypeNames))]
    public void Views_name_only_public_properties_of_their_type(string typeName)
    {
        var type = OutputTypes.Single(t => t.FullName == typeName);
        foreach (var view in ViewsOf(typeName))
        {
            foreach (var property in view.Descendants("PropertyName").Select(p => p.Value.Trim()))
            {
                Assert.True(type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance) is not null, $"{typeName} has no public property {property}");
            }
            var headers = view.Descendants("TableColumnHeader").Count();
            var items = view.Descendants("TableRowEntry").FirstOrDefault()?.Descendants("TableColumnItem").Count() ?? 0;
            Assert.Equal(headers, items);
        }
    }

    [Fact]
    public void Views_add_no_property_to_UserAttributes_but_show_the_attributes_in_one_column()
    {
        var table = ViewsOf("TencentImAttr.Models.UserAttributes").Single(v => v.Element("TableControl") is not null);
        Assert.Equal(new[] { "UserId", "Attributes" }, table.Descendants("TableColumnHeader").Select(h => (string)h.Element("Label")!));
        var script = table.Descendants("ScriptBlock").Single().Value;
        // Shown through ViewText (escaped, separators quoted), which ViewTextTests pin down.
        Assert.Equal("[TencentImAttr.ViewText]::Pairs($_.Attributes)", script.Trim());
    }

    [Fact]
    public void Connection_views_show_no_secret()
    {
        foreach (var view in ViewsOf("TencentImAttr.Core.Connection.ImConnection"))
        {
            var text = string.Concat(view.Descendants("PropertyName").Concat(view.Descendants("ScriptBlock")).Select(e => e.Value + "\n"));
            Assert.DoesNotContain("SecretKey", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Client", text, StringComparison.Ordinal);
            foreach (var line in text.Split('\n').Where(l => l.Contains("UserSig", StringComparison.Ordinal)))
            {
                Assert.Contains("UserSigExpiresAt", line, StringComparison.Ordinal);
            }
        }
    }
}
