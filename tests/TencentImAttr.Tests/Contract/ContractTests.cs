using System;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Operations;
using TencentImAttr.Emulator;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Contract;

/// <summary>
/// Holds the module and the emulator, two separate readings of Tencent's pages (issue 21), to the pages themselves:
/// tests/contract/ quotes the documented sample of every endpoint the module calls (samples.json says where each
/// comes from) and the documented limits (limits.json, read by this test only). The module's serializer must write
/// exactly the sample requests, for both families; the emulator must read the sample requests as written (spaces,
/// tabs and all) and answer in the sample shape; both sides' limits must be the table's.
/// </summary>
public class ContractTests
{
    private static readonly string Dir = Path.Combine(ModuleFiles.RepositoryRoot, "tests", "contract");
    private static readonly JsonElement Samples = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "samples.json"))).RootElement;
    private static readonly JsonElement Limits = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "limits.json"))).RootElement.GetProperty("families");

    public static TheoryData<string, ImService> EveryOperationInBothFamilies()
    {
        var data = new TheoryData<string, ImService>();
        foreach (var op in Operations()) foreach (var service in new[] { ImService.AllMemberPush, ImService.Push }) data.Add(op.GetProperty("operation").GetString()!, service);
        return data;
    }

    private static List<JsonElement> Operations() => Samples.GetProperty("operations").EnumerateArray().ToList();

    private static JsonElement Operation(string name) => Operations().Single(o => o.GetProperty("operation").GetString() == name);

    private static string Quote(JsonElement reference) => File.ReadAllText(Path.Combine(Dir, reference.GetProperty("file").GetString()!), Encoding.UTF8).TrimEnd('\n');

    /// <summary>The same JSON without insignificant whitespace, keys in their order, strings as they are.</summary>
    private static string Compact(string json)
    {
        using var doc = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            doc.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The documented answer of an operation: its sample, or the OK envelope with the fields the page says it adds.</summary>
    private static string DocumentedAnswer(JsonElement op)
    {
        if (op.TryGetProperty("response", out var response)) return Quote(response);
        var envelope = Compact(Quote(Samples.GetProperty("okEnvelope")));
        return op.GetProperty("responseAdds") is { ValueKind: JsonValueKind.Object } adds ? envelope[..^1] + "," + Quote(adds) + "}" : envelope;
    }

    // ---- the routes

    [Theory]
    [MemberData(nameof(EveryOperationInBothFamilies))]
    public void Both_sides_route_each_operation_to_the_documented_path(string operation, ImService service)
    {
        var documented = Operation(operation).GetProperty("paths").GetProperty(service.ToString()).GetString()!;
        Assert.Equal(documented, ImApiRoutes.Path(service, Enum.Parse<ImOperation>(operation)).TrimStart('/'));
        var route = ApiRoute.Find("/" + documented);
        Assert.NotNull(route);
        Assert.Equal((operation, service.ToString()), (route.Operation.ToString(), route.Family.ToString()));
    }

    [Fact]
    public void The_emulator_serves_no_path_the_documents_do_not_name()
    {
        var documented = Operations().SelectMany(o => o.GetProperty("paths").EnumerateObject().Select(p => p.Value.GetString())).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(18, documented.Count);
        Assert.Equal(documented.Order(StringComparer.Ordinal), ApiRoute.All.Select(r => r.Path).Order(StringComparer.Ordinal));
    }

    // ---- the module's side: what it sends

    [Theory]
    [MemberData(nameof(EveryOperationInBothFamilies))]
    public void The_module_sends_exactly_the_sample_request(string operation, ImService service)
    {
        var sample = JsonDocument.Parse(Quote(Operation(operation).GetProperty("request"))).RootElement;
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Ok() };
        using (var connection = TestConnections.Open(stub, service))
        {
            Send(connection, Enum.Parse<ImOperation>(operation), sample);
        }
        var request = Assert.Single(stub.Requests);
        Assert.Equal("/" + Operation(operation).GetProperty("paths").GetProperty(service.ToString()).GetString(), request.Uri.AbsolutePath);
        var expected = Compact(Quote(Operation(operation).GetProperty("request")));
        if (operation == nameof(ImOperation.AddTags) && service == ImService.Push)
        {
            // API.md: on timpush the add request carries "Replace": 0 (add) or 1; the rest is the sample.
            expected = expected[..^1] + ",\"Replace\":0}";
        }
        Assert.Equal(expected, Compact(request.Body));
    }

    [Fact]
    public void The_module_sends_the_query_of_the_sample_url()
    {
        var sampleUrl = new Uri(File.ReadAllText(Path.Combine(Dir, Samples.GetProperty("requestUrl").GetProperty("file").GetString()!)).Trim());
        var stub = new StubHttpHandler { Responder = _ => StubResponse.Ok() };
        using (var connection = TestConnections.Open(stub))
        {
            Send(connection, ImOperation.SetAttributes, JsonDocument.Parse(Quote(Operation("SetAttributes").GetProperty("request"))).RootElement);
        }
        var sent = Assert.Single(stub.Requests).Uri;
        Assert.Equal(sampleUrl.AbsolutePath, sent.AbsolutePath);
        Assert.Equal(QueryNames(sampleUrl), QueryNames(sent));
        Assert.Equal("json", Assert.Single(stub.Requests).Query["contenttype"]);
    }

    private static string[] QueryNames(Uri uri) => uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=')[0]).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Drives the module's own operation for <paramref name="operation"/> with the users and values of the sample.</summary>
    private static void Send(Core.Connection.ImConnection connection, ImOperation operation, JsonElement sample)
    {
        var service = connection.Service;
        switch (operation)
        {
            case ImOperation.SetAttributes:
                Run(BulkOperations.Set(connection), sample.GetProperty("UserAttrs").EnumerateArray().Select(u =>
                {
                    var values = new OrderedDictionary();
                    foreach (var attr in u.GetProperty("Attrs").EnumerateObject()) values[attr.Name] = attr.Value.GetString();
                    return Items.Set(u.GetProperty("To_Account").GetString(), values, service);
                }));
                break;
            case ImOperation.RemoveAttributes:
                Run(BulkOperations.Remove(connection), sample.GetProperty("UserAttrs").EnumerateArray().Select(u =>
                    Items.Remove(u.GetProperty("To_Account").GetString(), u.GetProperty("Attrs").EnumerateArray().Select(n => n.GetString()).ToList(), service)));
                break;
            case ImOperation.GetAttributes:
                Run(BulkOperations.Get(connection), Accounts(sample).Select(u => Items.Get(u, service)));
                break;
            case ImOperation.AddTags:
                Run(BulkOperations.AddTags(connection, replace: false), TagLists(sample, service));
                break;
            case ImOperation.RemoveTags:
                Run(BulkOperations.RemoveTags(connection), TagLists(sample, service));
                break;
            case ImOperation.GetTags:
                Run(BulkOperations.GetTags(connection), Accounts(sample).Select(u => Items.Get(u, service)));
                break;
            case ImOperation.ClearTags:
                Run(BulkOperations.ClearTags(connection), Accounts(sample).Select(u => Items.Get(u, service)));
                break;
            case ImOperation.GetAttributeNames:
                AppAttributeNames.GetAsync(connection, null, CancellationToken.None).GetAwaiter().GetResult();
                break;
            case ImOperation.SetAttributeNames:
                var names = sample.GetProperty("AttrNames").EnumerateObject().OrderBy(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture)).Select(p => (string?)p.Value.GetString()).ToList();
                AppAttributeNames.SetAsync(connection, AppAttributeNames.BuildRequest(names, null, service), null, CancellationToken.None).GetAwaiter().GetResult();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, "No sample drive for this operation.");
        }
    }

    private static IEnumerable<string> Accounts(JsonElement sample) => sample.GetProperty("To_Account").EnumerateArray().Select(a => a.GetString()!);

    private static IEnumerable<ItemOutcome<TagItem>> TagLists(JsonElement sample, ImService service) =>
        sample.GetProperty("UserTags").EnumerateArray().Select(u => Items.Tags(u.GetProperty("To_Account").GetString(), u.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()).ToList(), service));

    private static void Run<TItem, TResult>(IBatchOperation<TItem, TResult> op, IEnumerable<ItemOutcome<TItem>> items)
        where TItem : class where TResult : class
    {
        var sink = new CollectingSink<TResult>();
        using var engine = new BatchEngine<TItem, TResult>(op, new EngineOptions { ThrottleLimit = 1 }, sink);
        foreach (var item in items)
        {
            Assert.Null(item.Failure);
            engine.Add(item.Result!);
        }
        engine.Complete();
    }

    // ---- the emulator's side: what it reads and answers

    /// <summary>The emulator as the sample URL addresses it: sdkappid 88888888, identifier admin, usersig xxx.</summary>
    private static EmulatedImService SampleApp(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { SdkAppId = 88888888, Admin = "admin", StaticUserSig = "xxx", Quota = 0, Seed = 7 };
        configure?.Invoke(options);
        return new EmulatedImService(options);
    }

    private static JsonObject Answer(EmulatedImService app, string path, string body)
    {
        var url = new Uri(File.ReadAllText(Path.Combine(Dir, Samples.GetProperty("requestUrl").GetProperty("file").GetString()!)).Trim());
        var query = url.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var response = app.Handle("/" + path, query, Encoding.UTF8.GetBytes(body));
        Assert.Equal(200, response.Status);
        return Assert.IsType<JsonObject>(JsonNode.Parse(response.Body));
    }

    [Theory]
    [MemberData(nameof(EveryOperationInBothFamilies))]
    public void The_emulator_reads_the_sample_request_as_written_and_answers_in_the_sample_shape(string operation, ImService service)
    {
        var op = Operation(operation);
        var app = SampleApp();
        // What the sample answers presupposes: the names registered, the users of the sample answer holding its values.
        Call(app, "SetAttributeNames", service, """{"AttrNames":{"0":"sex","1":"city","2":"country"}}""");
        Call(app, "SetAttributes", service, """{"UserAttrs":[{"To_Account":"Zhang Xiaohong","Attrs":{"sex":"Female","city":"New York"}},{"To_Account":"Chen Xiaoming","Attrs":{"sex":"Male","city":"Shenzhen"}}]}""");
        Call(app, "AddTags", service, """{"UserTags":[{"To_Account":"u1","Tags":["a","b"]}]}""");
        if (operation == "GetAttributeNames") Call(app, "SetAttributeNames", service, """{"AttrNames":{"0":"sex","1":"city"}}""");

        var answer = Answer(app, op.GetProperty("paths").GetProperty(service.ToString()).GetString()!, Quote(op.GetProperty("request")));
        var documented = Assert.IsType<JsonObject>(JsonNode.Parse(DocumentedAnswer(op)));
        Assert.True(answer["ErrorCode"]!.GetValue<int>() == 0, answer.ToJsonString());
        AssertSameShape(documented, answer, "$");
        // Beyond the shape, the content where the sample fixes it: each user the sample answers, as it answers it.
        foreach (var list in new[] { "UserAttrs", "UserTags" })
        {
            if (documented[list] is not JsonArray expectedUsers) continue;
            var users = answer[list]!.AsArray().ToDictionary(u => u!["To_Account"]!.GetValue<string>(), u => u, StringComparer.Ordinal);
            Assert.All(expectedUsers, u => Assert.True(JsonNode.DeepEquals(u, users[u!["To_Account"]!.GetValue<string>()]), $"{u!.ToJsonString()} was answered {users[u["To_Account"]!.GetValue<string>()]!.ToJsonString()}"));
        }
        if (documented["AttrNames"] is JsonObject names) Assert.True(JsonNode.DeepEquals(names, answer["AttrNames"]), answer.ToJsonString());
        if (!documented.ContainsKey("UserAttrs") && !documented.ContainsKey("UserTags") && !documented.ContainsKey("AttrNames"))
        {
            Assert.Equal(Compact(DocumentedAnswer(op)), answer.ToJsonString());
        }
    }

    [Fact]
    public void The_emulator_answers_a_partly_failed_push_call_in_the_shape_of_the_documented_error_list()
    {
        var app = SampleApp(o => o.UnknownUserPrefix = "Mary");
        Call(app, "SetAttributeNames", ImService.Push, """{"AttrNames":{"0":"sex","1":"city"}}""");
        var answer = Answer(app, "v4/timpush/set_attr", """{"UserAttrs":[{"To_Account":"Mary","Attrs":{"sex":"F"}}]}""");
        var documented = Assert.IsType<JsonObject>(JsonNode.Parse(Quote(Samples.GetProperty("errorList"))));
        AssertSameShape(documented, answer, "$");
        Assert.Equal(("Mary", 70107), (answer["ErrorList"]![0]!["To_Account"]!.GetValue<string>(), answer["ErrorList"]![0]!["ErrorCode"]!.GetValue<int>()));
    }

    [Fact]
    public void The_module_reads_the_sample_answers()
    {
        var get = Operation("GetAttributes");
        var stub = new StubHttpHandler().EnqueueJson(Quote(get.GetProperty("response")));
        var sink = new CollectingSink<Models.UserAttributes>();
        using (var connection = TestConnections.Open(stub))
        using (var engine = new BatchEngine<GetItem, Models.UserAttributes>(BulkOperations.Get(connection), new EngineOptions(), sink))
        {
            foreach (var user in Accounts(JsonDocument.Parse(Quote(get.GetProperty("request"))).RootElement)) engine.Add(Items.Get(user, ImService.AllMemberPush).Result!);
            engine.Complete();
        }
        Assert.Empty(sink.Failures);
        Assert.Equal(new[] { "Zhang Xiaohong", "Chen Xiaoming", "abc" }, sink.Results.Select(r => r.UserId));
        Assert.Equal(("Female", "New York"), (sink.Results[0].Attributes["sex"], sink.Results[0].Attributes["city"]));
        Assert.Equal(("Male", "Shenzhen"), (sink.Results[1].Attributes["sex"], sink.Results[1].Attributes["city"]));
        Assert.Empty(sink.Results[2].Attributes);

        var partial = new StubHttpHandler().EnqueueJson(Quote(Samples.GetProperty("errorList")));
        var failed = new CollectingSink<Models.UserAttributes>();
        using (var connection = TestConnections.Open(partial, ImService.Push))
        using (var engine = new BatchEngine<SetItem, Models.UserAttributes>(BulkOperations.Set(connection), new EngineOptions(), failed))
        {
            engine.Add(Items.Set("Mary", new OrderedDictionary { ["sex"] = "F" }, ImService.Push).Result!);
            engine.Complete();
        }
        Assert.Equal("Mary", Assert.Single(failed.Failures).TargetObject);
        Assert.Contains("70107", failed.Failures[0].ErrorId, StringComparison.Ordinal);
    }

    private static void Call(EmulatedImService app, string operation, ImService service, string body)
    {
        var answer = Answer(app, Operation(operation).GetProperty("paths").GetProperty(service.ToString()).GetString()!, body);
        Assert.True(answer["ErrorCode"]!.GetValue<int>() == 0, answer.ToJsonString());
    }

    /// <summary>The same keys in the same order, each value of the same JSON kind, arrays' items shaped as the documented first item.</summary>
    private static void AssertSameShape(JsonNode? documented, JsonNode? answered, string where)
    {
        Assert.True(documented is not null && answered is not null, $"{where}: documented {documented?.ToJsonString()}, answered {answered?.ToJsonString()}");
        Assert.Equal(documented!.GetValueKind(), answered!.GetValueKind());
        switch (documented)
        {
            case JsonObject expected:
                var actual = answered.AsObject();
                // Attrs and AttrNames are maps (names, slots), not records: their keys are data.
                if (where.EndsWith(".Attrs", StringComparison.Ordinal) || where.EndsWith(".AttrNames", StringComparison.Ordinal)) return;
                Assert.Equal(expected.Select(p => p.Key), actual.Select(p => p.Key));
                foreach (var (key, value) in expected) AssertSameShape(value, actual[key], where + "." + key);
                break;
            case JsonArray expectedItems when expectedItems.Count > 0:
                foreach (var item in answered.AsArray()) AssertSameShape(expectedItems[0], item, where + "[]");
                break;
        }
    }

    // ---- the limits

    public static TheoryData<string> Families() => new() { "AllMemberPush", "Push" };

    private static int? Limit(string family, string name) =>
        Limits.GetProperty(family).GetProperty(name).GetProperty("value") is { ValueKind: JsonValueKind.Number } v ? v.GetInt32() : null;

    [Theory]
    [MemberData(nameof(Families))]
    public void The_emulators_limits_are_the_tables(string family)
    {
        var limits = FamilyLimits.Of(Enum.Parse<ApiFamily>(family));
        var table = Limits.GetProperty(family);
        Assert.Equal(11, table.EnumerateObject().Count());
        Assert.Equal(Limit(family, "usersPerCall"), limits.UsersPerCall);
        Assert.Equal(Limit(family, "userIdBytes"), limits.UserIdBytes);
        Assert.Equal(Limit(family, "valueBytes"), limits.ValueBytes);
        Assert.Equal(Limit(family, "nameBytes"), limits.NameBytes);
        Assert.Equal(Limit(family, "attributeNamesPerApp"), limits.AttributeNamesPerApp);
        Assert.Equal(Limit(family, "tagBytes"), limits.TagBytes);
        Assert.Equal(Limit(family, "tagsPerAdd"), limits.TagsPerAdd);
        Assert.Equal(Limit(family, "tagsPerReplace"), limits.TagsPerReplace);
        Assert.Equal(Limit(family, "tagsPerUser"), limits.TagsPerUser);
        Assert.Equal(Limit(family, "tagsPerApp"), limits.TagsPerApp);
        Assert.Equal(table.GetProperty("registrationIds").GetProperty("value").GetBoolean(), limits.RegistrationIds);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void The_modules_limits_are_the_tables(string family)
    {
        var service = Enum.Parse<ImService>(family);
        Assert.Equal(Limit(family, "usersPerCall"), InputRules.MaxUsersPerCall);
        Assert.Equal(Limit(family, "userIdBytes"), InputRules.MaxUserIdBytes);
        Assert.Equal(Limit(family, "valueBytes"), InputRules.MaxValueBytes);
        Assert.Equal(Limit(family, "nameBytes"), InputRules.MaxNameBytes);
        Assert.Equal(Limit(family, "attributeNamesPerApp"), InputRules.MaxAppAttributes);
        Assert.Equal(Limit(family, "tagBytes"), InputRules.MaxTagBytes);
        Assert.Equal(Limit(family, "tagsPerAdd"), InputRules.MaxTagsPerAdd);
        Assert.Equal(Limit(family, "tagsPerUser"), InputRules.MaxTagsPerUser);
        Assert.Equal(Limit(family, "tagsPerApp"), InputRules.MaxAppTags);
        // Replace exists on the Push family only; there its limit is the module's tags per user.
        Assert.Equal(Limit(family, "tagsPerReplace"), service == ImService.Push ? InputRules.MaxTagsPerUser : null);
    }

    /// <summary>Bytes, not characters: at the table's figure in UTF-8 bytes (three-byte characters) a text passes, one byte more it is refused, on both sides.</summary>
    [Theory]
    [MemberData(nameof(Families))]
    public void Both_sides_count_the_tables_bytes_in_utf8(string family)
    {
        var service = Enum.Parse<ImService>(family);
        static string Bytes(int n) => new string('中', n / 3) + new string('a', n % 3);
        int Of(string limit) => Limit(family, limit)!.Value;

        Assert.Null(InputRules.ConvertValue(Bytes(Of("valueBytes")), "city", "u1", out _));
        Assert.NotNull(InputRules.ConvertValue(Bytes(Of("valueBytes") + 1), "city", "u1", out _));
        Assert.Null(InputRules.CheckName(Bytes(Of("nameBytes")), null));
        Assert.NotNull(InputRules.CheckName(Bytes(Of("nameBytes") + 1), null));
        Assert.Null(InputRules.CheckTag(Bytes(Of("tagBytes")), null));
        Assert.NotNull(InputRules.CheckTag(Bytes(Of("tagBytes") + 1), null));
        Assert.Null(InputRules.CheckUserId(Bytes(Of("userIdBytes")), service));
        Assert.NotNull(InputRules.CheckUserId(Bytes(Of("userIdBytes") + 1), service));

        var app = SampleApp();
        string Path(string operation) => Operation(operation).GetProperty("paths").GetProperty(family).GetString()!;
        int Code(string operation, string body) => Answer(app, Path(operation), body)["ErrorCode"]!.GetValue<int>();
        Assert.Equal(0, Code("SetAttributeNames", $$$"""{"AttrNames":{"0":"{{{Bytes(Of("nameBytes"))}}}","1":"city"}}"""));
        Assert.NotEqual(0, Code("SetAttributeNames", $$$"""{"AttrNames":{"0":"{{{Bytes(Of("nameBytes") + 1)}}}","1":"city"}}"""));
        Assert.Equal(0, Code("SetAttributes", $$$"""{"UserAttrs":[{"To_Account":"u1","Attrs":{"city":"{{{Bytes(Of("valueBytes"))}}}"}}]}"""));
        Assert.NotEqual(0, Code("SetAttributes", $$$"""{"UserAttrs":[{"To_Account":"u1","Attrs":{"city":"{{{Bytes(Of("valueBytes") + 1)}}}"}}]}"""));
        Assert.Equal(0, Code("AddTags", $$"""{"UserTags":[{"To_Account":"u1","Tags":["{{Bytes(Of("tagBytes"))}}"]}]}"""));
        Assert.NotEqual(0, Code("AddTags", $$"""{"UserTags":[{"To_Account":"u1","Tags":["{{Bytes(Of("tagBytes") + 1)}}"]}]}"""));
        Assert.Equal(0, Code("GetAttributes", $$"""{"To_Account":["{{Bytes(Of("userIdBytes"))}}"]}"""));
        var tooLong = Answer(app, Path("GetAttributes"), $$"""{"To_Account":["{{Bytes(Of("userIdBytes") + 1)}}"]}""");
        Assert.True(tooLong["ErrorCode"]!.GetValue<int>() != 0 || tooLong["ErrorList"] is JsonArray { Count: 1 }, tooLong.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void The_emulator_holds_the_tables_counts(string family)
    {
        var app = SampleApp();
        string Path(string operation) => Operation(operation).GetProperty("paths").GetProperty(family).GetString()!;
        int Code(string operation, string body) => Answer(app, Path(operation), body)["ErrorCode"]!.GetValue<int>();
        int Of(string limit) => Limit(family, limit)!.Value;
        string Accounts(int n) => string.Join(",", Enumerable.Range(0, n).Select(i => $"\"u{i}\""));
        string Slots(int n) => string.Join(",", Enumerable.Range(0, n).Select(i => $"\"{i}\":\"n{i}\""));
        string Tags(int n, string prefix = "t") => string.Join(",", Enumerable.Range(0, n).Select(i => $"\"{prefix}{i}\""));

        Assert.Equal(0, Code("GetAttributes", $$"""{"To_Account":[{{Accounts(Of("usersPerCall"))}}]}"""));
        Assert.Equal(90018, Code("GetAttributes", $$"""{"To_Account":[{{Accounts(Of("usersPerCall") + 1)}}]}"""));
        Assert.Equal(0, Code("SetAttributeNames", $$$"""{"AttrNames":{{{{Slots(Of("attributeNamesPerApp"))}}}}}"""));
        Assert.NotEqual(0, Code("SetAttributeNames", $$$"""{"AttrNames":{{{{Slots(Of("attributeNamesPerApp") + 1)}}}}}"""));
        Assert.Equal(0, Code("AddTags", $$"""{"UserTags":[{"To_Account":"u1","Tags":[{{Tags(Of("tagsPerAdd"))}}]}]}"""));
        Assert.NotEqual(0, Code("AddTags", $$"""{"UserTags":[{"To_Account":"u2","Tags":[{{Tags(Of("tagsPerAdd") + 1)}}]}]}"""));
        // Tags held per user: filled by adds of the most one add takes, then one more.
        var perUser = Of("tagsPerUser");
        for (var held = Of("tagsPerAdd"); held < perUser; held += Of("tagsPerAdd"))
        {
            Assert.Equal(0, Code("AddTags", $$"""{"UserTags":[{"To_Account":"u1","Tags":[{{string.Join(",", Enumerable.Range(held, Math.Min(Of("tagsPerAdd"), perUser - held)).Select(i => $"\"t{i}\""))}}]}]}"""));
        }
        Assert.NotEqual(0, Code("AddTags", """{"UserTags":[{"To_Account":"u1","Tags":["one-more"]}]}"""));
        if (Limit(family, "tagsPerReplace") is { } replace)
        {
            Assert.Equal(0, Code("AddTags", $$"""{"UserTags":[{"To_Account":"u3","Tags":[{{Tags(replace, "r")}}]}],"Replace":1}"""));
            Assert.NotEqual(0, Code("AddTags", $$"""{"UserTags":[{"To_Account":"u4","Tags":[{{Tags(replace + 1, "r")}}]}],"Replace":1}"""));
        }
    }
}
