using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using System.Xml.Linq;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Models;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Cmdlets;

/// <summary>
/// What issue 15 asked of the module's conversation with people: rows that round-trip, tables that read like
/// hashtables, the type-name error, help links and pages, completion that gives up, the version check, the tags.
/// </summary>
public class ExperienceTests
{
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";

    [Fact]
    public void The_test_helper_reaches_the_module_test_seam()
    {
        var stub = new StubHttpHandler();
        try
        {
            ModuleTestSeam.Use(stub);
            Assert.Same(stub, TestSeam.Handler);
        }
        finally
        {
            ModuleTestSeam.Reset();
        }
        Assert.Null(TestSeam.Handler);
    }

    [Fact]
    public void A_row_is_the_user_then_each_registered_name_in_slot_order_with_null_where_not_set()
    {
        var user = new UserAttributes("alice", new Dictionary<string, string> { ["tier"] = "gold", ["city"] = "Shenzhen" });
        var cells = AttributeRows.Cells(user, new[] { "city", "sex", "tier" });
        Assert.Equal(new[] { "UserId", "city", "sex", "tier" }, cells.Select(c => c.Key));
        Assert.Equal(new[] { "alice", "Shenzhen", null, "gold" }, cells.Select(c => c.Value));
    }

    [Fact]
    public void A_row_keeps_an_attribute_whose_name_is_not_registered_after_the_registered_ones()
    {
        var user = new UserAttributes("bob", new Dictionary<string, string> { ["legacy"] = "x", ["city"] = "Lyon" });
        var cells = AttributeRows.Cells(user, new[] { "city" });
        Assert.Equal(new[] { "UserId", "city", "legacy" }, cells.Select(c => c.Key));
    }

    [Theory]
    [InlineData("UserId")]
    [InlineData("account")]
    [InlineData("Attributes")]
    public void Names_that_Set_would_read_as_the_user_or_a_table_cannot_be_columns(string name)
    {
        var problem = AttributeRows.CheckColumns(new[] { "city", name });
        Assert.NotNull(problem);
        Assert.Contains($"'{name}'", problem);
    }

    [Fact]
    public void Names_that_differ_only_in_case_cannot_be_columns_and_others_can()
    {
        Assert.Contains("differ only in case", AttributeRows.CheckColumns(new[] { "city", "City" }));
        Assert.Null(AttributeRows.CheckColumns(new[] { "city", "tier", "sex" }));
        Assert.Null(AttributeRows.CheckColumns(Array.Empty<string>()));
    }

    [Fact]
    public void A_table_ignores_case_unless_names_differ_only_in_case()
    {
        var plain = AttributeNameCase.Table(new Dictionary<string, string> { ["city"] = "Shenzhen" }, new[] { "city", "tier" });
        Assert.Equal("Shenzhen", plain["City"]);
        Assert.Equal("city", plain.Keys.Single());

        var appClash = AttributeNameCase.Table(new Dictionary<string, string> { ["city"] = "Shenzhen" }, new[] { "city", "City" });
        Assert.False(appClash.ContainsKey("City"));
        Assert.True(appClash.ContainsKey("city"));

        var userClash = AttributeNameCase.Table(new Dictionary<string, string> { ["city"] = "a", ["City"] = "b" }, null);
        Assert.Equal("a", userClash["city"]);
        Assert.Equal("b", userClash["City"]);
    }

    [Fact]
    public async Task Get_answers_tables_that_find_names_in_any_case_and_keep_their_case()
    {
        var service = TestConnections.Emulator();
        service.Register("city");
        service.Seed("alice", new Hashtable { ["city"] = "Shenzhen" });
        using var connection = TestConnections.Open(service.CreateHandler());
        var outcomes = await BulkOperations.Get(connection).ExecuteAsync(new[] { Items.Get("alice", ImService.AllMemberPush).Result! }, new QueuedCallLog(), default);
        var attributes = outcomes.Single().Result!.Attributes;
        Assert.Equal("Shenzhen", attributes["CITY"]);
        Assert.Equal(new[] { "city" }, attributes.Keys);
    }

    [Fact]
    public async Task Get_needs_exact_case_when_the_app_holds_names_that_differ_only_in_case()
    {
        var service = TestConnections.Emulator();
        service.Register("city", "City");
        service.Seed("alice", new Hashtable { ["city"] = "Shenzhen" });
        using var connection = TestConnections.Open(service.CreateHandler());
        await AppAttributeNames.GetAsync(connection, null, default);
        var outcomes = await BulkOperations.Get(connection).ExecuteAsync(new[] { Items.Get("alice", ImService.AllMemberPush).Result! }, new QueuedCallLog(), default);
        var attributes = outcomes.Single().Result!.Attributes;
        Assert.False(attributes.ContainsKey("City"));
        Assert.Equal("Shenzhen", attributes["city"]);
    }

    [Fact]
    public void A_row_of_empty_cells_or_an_empty_table_sets_nothing_without_an_error()
    {
        var emptyCells = new[] { new KeyValuePair<string, object?>("UserId", "carol"), new KeyValuePair<string, object?>("city", ""), new KeyValuePair<string, object?>("tier", null) };
        var fromCsv = Items.SetFrom(new object(), emptyCells, null, ImService.AllMemberPush);
        Assert.Null(fromCsv.Failure);
        Assert.Empty(fromCsv.Result!.Attributes);

        var emptyTable = new[] { new KeyValuePair<string, object?>("UserId", "carol"), new KeyValuePair<string, object?>("Attributes", new Dictionary<string, string>()) };
        Assert.Null(Items.SetFrom(new object(), emptyTable, null, ImService.AllMemberPush).Failure);

        var noColumn = new[] { new KeyValuePair<string, object?>("UserId", "carol") };
        Assert.Equal("AttributeSetEmpty", Items.SetFrom(new object(), noColumn, null, ImService.AllMemberPush).Failure!.ErrorId);
    }

    [Fact]
    public async Task Users_with_nothing_to_set_succeed_without_being_sent()
    {
        var stub = new StubHttpHandler();
        using var connection = TestConnections.Open(stub);
        SetItem Row(string user, string? city) => Items.SetFrom(new object(),
            new[] { new KeyValuePair<string, object?>("UserId", user), new KeyValuePair<string, object?>("city", city) }, null, ImService.AllMemberPush).Result!;
        var operation = BulkOperations.Set(connection);

        var none = await operation.ExecuteAsync(new[] { Row("a", null), Row("b", "") }, new QueuedCallLog(), default);
        Assert.Equal(2, none.Length);
        Assert.All(none, o => Assert.NotNull(o.Result));
        Assert.Empty(stub.Requests);

        var mixed = await operation.ExecuteAsync(new[] { Row("a", null), Row("b", "Lyon") }, new QueuedCallLog(), default);
        Assert.Equal(new[] { "a", "b" }, mixed.Select(o => o.Result!.UserId));
        Assert.Contains("\"To_Account\":\"b\"", Assert.Single(stub.Requests).Body);
        Assert.DoesNotContain("\"To_Account\":\"a\"", stub.Requests[0].Body);
    }

    [Fact]
    public async Task Set_passes_through_tables_that_read_the_same_way()
    {
        using var connection = TestConnections.Open(new StubHttpHandler());
        var item = Items.Set("alice", new Hashtable { ["city"] = "Shenzhen" }, ImService.AllMemberPush).Result!;
        var outcomes = await BulkOperations.Set(connection).ExecuteAsync(new[] { item }, new QueuedCallLog(), default);
        Assert.Equal("Shenzhen", outcomes.Single().Result!.Attributes["City"]);
    }

    [Theory]
    [InlineData("System.Collections.Generic.Dictionary`2[System.String,System.String]")]
    [InlineData("System.Collections.Hashtable")]
    [InlineData("@{city=Shenzhen; tier=gold}")]
    public void An_Attributes_column_that_holds_a_type_name_says_how_to_export_instead(string text)
    {
        var row = new[] { new KeyValuePair<string, object?>("UserId", "alice"), new KeyValuePair<string, object?>("Attributes", text) };
        var item = Items.SetFrom(new object(), row, null, ImService.AllMemberPush);
        Assert.NotNull(item.Failure);
        Assert.Equal("AttributeTableAsText", item.Failure!.ErrorId);
        Assert.Equal("alice", item.Failure.TargetObject);
        Assert.Contains("-AsRow", item.Failure.Message);
        Assert.DoesNotContain("bytes", item.Failure.Message);
    }

    [Fact]
    public void An_Attributes_column_with_other_text_is_read_as_before()
    {
        var row = new[] { new KeyValuePair<string, object?>("UserId", "alice"), new KeyValuePair<string, object?>("Attributes", "Shenzhen") };
        var item = Items.SetFrom(new object(), row, null, ImService.AllMemberPush);
        Assert.Null(item.Failure);
        Assert.Equal("Shenzhen", item.Result!.Attributes["Attributes"]);
    }

    [Fact]
    public async Task Registering_names_forgets_the_cached_ones_first_so_a_failure_leaves_none()
    {
        var stub = new StubHttpHandler().EnqueueJson("{\"ActionStatus\":\"OK\",\"ErrorCode\":0,\"AttrNames\":{\"0\":\"city\"}}");
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        await AppAttributeNames.GetAsync(connection, null, default);
        Assert.Equal(new[] { "city" }, connection.RegisteredNames);
        stub.Enqueue(StubResponse.Fail(90001, "bad"));
        var request = AppAttributeNames.BuildRequest(new[] { "tier" }, null, ImService.AllMemberPush);
        await Assert.ThrowsAsync<ImApiException>(() => AppAttributeNames.SetAsync(connection, request, null, default));
        Assert.Null(connection.RegisteredNames);
    }

    [Fact]
    public void Completion_gives_up_on_a_stalled_service_and_does_not_ask_it_again_at_once()
    {
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Stalled() };
        using var connection = TestConnections.Open(stub, maxRetry: 0);
        Assert.Empty(CompletionNameCache.Names(connection));
        Assert.Empty(CompletionNameCache.Names(connection));
        Assert.Single(stub.Requests);
        Assert.Null(connection.RegisteredNames);
    }

    [Fact]
    public void Completion_reads_the_names_once_per_connection()
    {
        var service = TestConnections.Emulator();
        service.Register("city", "tier");
        var stub = service.CreateHandler();
        // The reads must succeed: a busy machine's cold first call may take longer than Tab's one second.
        var patient = TimeSpan.FromMinutes(1);
        using var first = TestConnections.Open(stub);
        Assert.Equal(new[] { "city", "tier" }, CompletionNameCache.Names(first, patient));
        Assert.Equal(new[] { "city", "tier" }, CompletionNameCache.Names(first, patient));
        Assert.Single(stub.Requests);

        service.Register("sex");
        using var second = TestConnections.Open(stub);
        Assert.Equal(new[] { "sex" }, CompletionNameCache.Names(second, patient));
    }

    [Theory]
    [InlineData(false, "7.4.0.500")]
    [InlineData(false, "7.6.0.500")]
    [InlineData(false, "8.0.0.0")]
    [InlineData(true, "3.0.0.0")]
    public void PowerShell_5_1_and_7_4_or_later_are_supported(bool netFramework, string version)
    {
        Assert.Null(SupportedPowerShell.Problem(netFramework, Version.Parse(version)));
    }

    [Theory]
    [InlineData("7.0.0.500")]
    [InlineData("7.2.0.500")]
    [InlineData("7.3.0.500")]
    [InlineData("6.2.0.0")]
    public void PowerShell_6_and_7_0_to_7_3_are_refused_with_the_supported_versions(string version)
    {
        var problem = SupportedPowerShell.Problem(false, Version.Parse(version));
        Assert.NotNull(problem);
        Assert.Contains("5.1", problem);
        Assert.Contains("7.4 or later", problem);
        Assert.Contains(Version.Parse(version).ToString(2), problem);
    }

    [Fact]
    public void Gallery_tags_name_every_exported_cmdlet_as_PSCommand_and_PSCmdlet()
    {
        var cmdlets = ModuleFiles.ManifestList("CmdletsToExport").OrderBy(n => n, StringComparer.Ordinal).ToList();
        var tags = ModuleFiles.ManifestList("Tags");
        Assert.NotEmpty(cmdlets);
        foreach (var prefix in new[] { "PSCommand_", "PSCmdlet_" })
        {
            Assert.Equal(cmdlets, tags.Where(t => t.StartsWith(prefix, StringComparison.Ordinal)).Select(t => t[prefix.Length..]).OrderBy(n => n, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Every_cmdlet_links_to_its_page_under_the_project_and_the_help_opens_it_online()
    {
        Assert.StartsWith(ModuleFiles.ManifestString("ProjectUri") + "/", HelpLinks.CmdletPages);
        var help = XDocument.Load(ModuleFiles.HelpFile);
        foreach (var (name, type) in ModuleFiles.CmdletTypes)
        {
            var helpUri = (string?)ModuleFiles.Named(ModuleFiles.Attribute<CmdletAttribute>(type)!, "HelpUri");
            Assert.Equal(HelpLinks.CmdletPages + name + ".md", helpUri);
            Assert.True(File.Exists(Path.Combine(ModuleFiles.RepositoryRoot, "docs", "cmdlets", name + ".md")), $"docs/cmdlets/{name}.md is missing");
            var command = help.Root!.Elements(Command + "command").Single(c => (string?)c.Element(Command + "details")!.Element(Command + "name") == name);
            var first = command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink").First();
            Assert.Equal("Online Version:", (string?)first.Element(Maml + "linkText"));
            Assert.Equal(helpUri, (string?)first.Element(Maml + "uri"));
        }
    }

    [Fact]
    public void The_cmdlet_pages_in_docs_are_the_ones_the_build_generates()
    {
        var generated = Path.Combine(ModuleFiles.RepositoryRoot, "out", "docs", "cmdlets");
        var committed = Path.Combine(ModuleFiles.RepositoryRoot, "docs", "cmdlets");
        static Dictionary<string, string> Pages(string folder) =>
            Directory.GetFiles(folder, "*.md").ToDictionary(f => Path.GetFileName(f), f => File.ReadAllText(f).Replace("\r\n", "\n"), StringComparer.Ordinal);
        var built = Pages(generated);
        var kept = Pages(committed);
        const string refresh = "docs/cmdlets/ is out of date: after `dotnet build`, run `cp out/docs/cmdlets/*.md docs/cmdlets/` (and delete pages of removed cmdlets).";
        Assert.True(built.Keys.OrderBy(k => k).SequenceEqual(kept.Keys.OrderBy(k => k)), refresh);
        foreach (var (file, text) in built)
        {
            Assert.True(text == kept[file], $"{file}: {refresh}");
        }
    }

    [Fact]
    public void The_about_topic_is_laid_out_and_names_the_environment_variables_and_limits()
    {
        var about = File.ReadAllText(Path.Combine(ModuleFiles.ModuleDir, "en-US", "about_TencentImAttr.help.txt"));
        Assert.StartsWith("TOPIC", about);
        foreach (var variable in Core.Connection.ImSession.Variables) Assert.Contains(variable, about);
        foreach (var id in new[] { "NotConnected", "AttributeTableAsText", "NoDefaultWithoutPassThru", "ImApiError<code>" }) Assert.Contains(id, about);
        Assert.Contains($"{InputRules.MaxUsersPerCall} (the module batches)", about);
        Assert.Contains($"{InputRules.MaxAppAttributes}\n", about.Replace("\r\n", "\n"));
    }

    [Fact]
    public void The_about_topic_lists_every_error_id_of_the_error_table()
    {
        // The full table lives in docs/errors.md (issue 24).
        var readme = File.ReadAllText(Path.Combine(ModuleFiles.RepositoryRoot, "docs", "errors.md")).Replace("\r\n", "\n");
        var start = readme.IndexOf("**Error ids**", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/errors.md has no **Error ids** table");
        var table = readme[start..readme.IndexOf("\n\n", readme.IndexOf('|', start), StringComparison.Ordinal)];
        var ids = table.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(l => System.Text.RegularExpressions.Regex.Matches(l.Split('|')[1], "`([^`]+)`").Select(m => m.Groups[1].Value))
            .ToList();
        Assert.Contains("NotConnected", ids);
        var about = File.ReadAllText(Path.Combine(ModuleFiles.RepositoryRoot, "src", "TencentImAttr", "en-US", "about_TencentImAttr.help.txt"));
        var missing = string.Join(", ", ids.Where(id => !about.Contains(id, StringComparison.Ordinal)));
        Assert.True(missing.Length == 0, "about_TencentImAttr does not list: " + missing);
    }

    [Fact]
    public void Connect_defaults_in_help_come_from_the_constants()
    {
        var help = XDocument.Load(ModuleFiles.HelpFile);
        XNamespace dev = "http://schemas.microsoft.com/maml/dev/2004/10";
        var connect = help.Root!.Elements(Command + "command").Single(c => (string?)c.Element(Command + "details")!.Element(Command + "name") == "Connect-ImApp");
        string Default(string parameter) => (string)connect.Element(Command + "parameters")!.Elements(Command + "parameter")
            .Single(p => (string?)p.Element(Maml + "name") == parameter).Element(dev + "defaultValue")!;
        Assert.Equal("100", Default("CallsPerSecond"));
        Assert.Equal("64", Default("ThrottleLimit"));
        Assert.Equal("5", Default("MaxRetry"));
        Assert.Equal("30", Default("TimeoutSec"));
        Assert.Equal("China", Default("Region"));
        Assert.Equal("AllMemberPush", Default("Service"));
        Assert.Equal("1.00:00:00", Default("UserSigLifetime"));
        Assert.Equal("False", Default("PassThru"));
    }
}
