using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using TencentImAttr.Testing;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Errors;
using Xunit;

namespace TencentImAttr.Tests.Input;

public class InputTests
{
    private const ImService All = ImService.AllMemberPush;

    private static string? ErrorOf<T>(ItemOutcome<T> item) where T : class => item.Failure?.ErrorId;

    [Theory]
    [InlineData(null, "UserIdEmpty")]
    [InlineData("", "UserIdEmpty")]
    [InlineData("   ", "UserIdEmpty")]
    [InlineData("\t", "UserIdEmpty")]
    [InlineData("abcdefghijabcdefghijabcdefghij12", null)] // 32 bytes
    [InlineData("abcdefghijabcdefghijabcdefghij123", "UserIdTooLong")] // 33 bytes
    [InlineData("用户用户用户用户用户1", null)] // 10 x 3 bytes + 1 = 31 bytes
    [InlineData("用户用户用户用户用户用户", "UserIdTooLong")] // 12 x 3 = 36 bytes, 12 characters
    public void User_id_rules(string? user, string? errorId)
    {
        Assert.Equal(errorId, ErrorOf(Items.Get(user, All)));
    }

    [Fact]
    public void RegistrationIds_pass_only_on_the_push_family()
    {
        const string registrationId = "379C2F0D-290D-47AE-94D1-919058C39C77";
        var rejected = Items.Get(registrationId, ImService.AllMemberPush);
        Assert.Equal("UserIdTooLong", rejected.Failure!.ErrorId);
        Assert.Contains("-Service Push", rejected.Failure.Message);
        Assert.Null(Items.Get(registrationId, ImService.Push).Failure);
        // Still only UserIDs of 32 bytes or RegistrationIDs on Push: a long non-registration id fails.
        Assert.Equal("UserIdTooLong", ErrorOf(Items.Get(new string('x', 36), ImService.Push)));
    }

    [Fact]
    public void Errors_name_the_user_and_target_it()
    {
        var item = Items.Set("alice", new Hashtable { ["city"] = new string('x', 51) }, All);
        Assert.Equal("AttributeValueTooLong", item.Failure!.ErrorId);
        Assert.Equal("alice", item.Failure.TargetObject);
        Assert.Contains("alice", item.Failure.Message);
        Assert.Contains("city", item.Failure.Message);
        Assert.Contains("51 bytes", item.Failure.Message);
        Assert.Equal(ImErrorCategory.InvalidArgument, item.Failure.Category);
        Assert.IsType<ImInputException>(item.Failure.Exception);
    }

    public static TheoryData<object?, string?, string?> Values => new()
    {
        { "Shenzhen", "Shenzhen", null },
        { 42, "42", null },
        { 1.5, "1.5", null },
        { 1234567.25m, "1234567.25", null },
        { -7L, "-7", null },
        { true, "true", null },
        { false, "false", null },
        { new DateTime(2026, 11, 22, 8, 30, 0, DateTimeKind.Utc), "2026-11-22T08:30:00.0000000Z", null },
        { new DateTimeOffset(2026, 11, 22, 8, 30, 0, TimeSpan.FromHours(8)), "2026-11-22T08:30:00.0000000+08:00", null },
        { DayOfWeek.Monday, "Monday", null },
        { new Guid("379c2f0d-290d-47ae-94d1-919058c39c77"), "379c2f0d-290d-47ae-94d1-919058c39c77", null },
        { 'x', "x", null },
        { null, null, "AttributeValueNull" },
        { "", null, "AttributeValueEmpty" },
        { new[] { "a", "b" }, null, "AttributeValueUnsupportedType" },
        { new Hashtable { ["x"] = 1 }, null, "AttributeValueUnsupportedType" },
        { new List<int> { 1 }, null, "AttributeValueUnsupportedType" },
        { new object(), null, "AttributeValueUnsupportedType" },
        { new string('x', 50), new string('x', 50), null },
        { new string('x', 51), null, "AttributeValueTooLong" },
        { new string('深', 16), new string('深', 16), null }, // 48 bytes
        { new string('深', 17), null, "AttributeValueTooLong" }, // 51 bytes, 17 characters
        { "😀😀😀😀😀😀😀😀😀😀😀😀😀", null, "AttributeValueTooLong" }, // 13 x 4 = 52 bytes
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Values_are_converted_invariantly_or_rejected(object? value, string? sent, string? errorId)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // a comma decimal separator must not leak in
        try
        {
            var item = Items.Set("alice", new Hashtable { ["v"] = value }, All);
            Assert.Equal(errorId, item.Failure?.ErrorId);
            if (sent is not null) Assert.Equal(sent, item.Result!.Attributes["v"]);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("", "AttributeNameEmpty")]
    [InlineData(" ", "AttributeNameEmpty")]
    [InlineData("12345678901234567890123456789012345678901234567890", null)]
    [InlineData("123456789012345678901234567890123456789012345678901", "AttributeNameTooLong")]
    public void Attribute_name_rules(string name, string? errorId)
    {
        Assert.Equal(errorId, ErrorOf(Items.Set("alice", new Hashtable { [name] = "v" }, All)));
        Assert.Equal(errorId, ErrorOf(Items.Remove("alice", new[] { name }, All)));
    }

    [Fact]
    public void Empty_sets_and_lists_and_nulls_in_arrays()
    {
        Assert.Equal("AttributeSetEmpty", ErrorOf(Items.Set("alice", new Hashtable(), All)));
        Assert.Equal("AttributeSetEmpty", ErrorOf(Items.Set("alice", null, All)));
        Assert.Equal("NameListEmpty", ErrorOf(Items.Remove("alice", Array.Empty<string>(), All)));
        Assert.Equal("NameListEmpty", ErrorOf(Items.Remove("alice", null, All)));
        Assert.Equal("AttributeNameEmpty", ErrorOf(Items.Remove("alice", new[] { "city", null }, All)));
        Assert.Equal(new[] { "city", "sex" }, Items.Remove("alice", new[] { "city", "sex", "city" }, All).Result!.Names);
    }

    private static List<KeyValuePair<string, object?>> Props(params (string, object?)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, object?>(p.Item1, p.Item2)).ToList();

    [Fact]
    public void Csv_rows_give_user_id_and_one_attribute_per_column_skipping_empty_cells()
    {
        var row = new object();
        var item = Items.SetFrom(row, Props(("UserId", "alice"), ("city", "Shenzhen"), ("tier", ""), ("sex", "F")), null, All);
        Assert.Equal("alice", item.Result!.UserId);
        Assert.Equal(new Dictionary<string, string> { ["city"] = "Shenzhen", ["sex"] = "F" }, item.Result.Attributes);
    }

    [Theory]
    [InlineData("To_Account")]
    [InlineData("account")]
    [InlineData("USERID")]
    public void User_id_columns_have_aliases(string column)
    {
        var item = Items.SetFrom(new object(), Props((column, "bob"), ("city", "x")), null, All);
        Assert.Equal("bob", item.Result!.UserId);
        Assert.Equal(new[] { "city" }, item.Result.Attributes.Keys);
    }

    [Fact]
    public void Get_output_pipes_back_into_set()
    {
        var fromGet = new TencentImAttr.Models.UserAttributes("alice", new Dictionary<string, string> { ["city"] = "Shenzhen" });
        var item = Items.SetFrom(fromGet, Props(("UserId", fromGet.UserId), ("Attributes", fromGet.Attributes)), null, All);
        Assert.Equal("alice", item.Result!.UserId);
        Assert.Equal(new Dictionary<string, string> { ["city"] = "Shenzhen" }, item.Result.Attributes);
    }

    [Fact]
    public void Extra_attributes_win_over_the_objects_own()
    {
        var item = Items.SetFrom(new object(), Props(("UserId", "alice"), ("city", "A"), ("sex", "F")), new Hashtable { ["city"] = "B" }, All);
        Assert.Equal(new Dictionary<string, string> { ["city"] = "B", ["sex"] = "F" }, item.Result!.Attributes);
    }

    [Fact]
    public void Strings_and_hashtables_from_the_pipeline()
    {
        var fromString = Items.SetFrom("alice", null, new Hashtable { ["tier"] = "gold" }, All);
        Assert.Equal("alice", fromString.Result!.UserId);
        Assert.Equal("AttributeSetEmpty", ErrorOf(Items.SetFrom("alice", null, null, All)));
        var fromTable = Items.SetFrom(new Hashtable { ["UserId"] = "bob", ["city"] = "x" }, null, null, All);
        Assert.Equal("bob", fromTable.Result!.UserId);
        Assert.Equal("x", fromTable.Result.Attributes["city"]);
        Assert.Equal("InputObjectNull", ErrorOf(Items.SetFrom(null, null, null, All)));
    }

    [Fact]
    public void Objects_without_a_user_id_are_rejected_naming_their_properties()
    {
        var row = new object();
        var item = Items.SetFrom(row, Props(("Name", "alice"), ("city", "x")), null, All);
        Assert.Equal("InputObjectNoUserId", item.Failure!.ErrorId);
        Assert.Contains("Name, city", item.Failure.Message);
        Assert.Same(row, item.Failure.TargetObject);
        Assert.Equal("UserIdEmpty", ErrorOf(Items.SetFrom(row, Props(("UserId", ""), ("city", "x")), null, All)));
        Assert.Equal("UserIdInvalidType", ErrorOf(Items.SetFrom(row, Props(("UserId", new object()), ("city", "x")), null, All)));
        Assert.Equal("AttributeValueUnsupportedType", ErrorOf(Items.SetFrom(row, Props(("UserId", "a"), ("nested", new object[] { 1 })), null, All)));
        Assert.Equal("alice", Items.SetFrom(row, Props(("UserId", "alice"), ("n", 5)), null, All).Result!.UserId);
    }

    [Fact]
    public void Get_reads_users_from_strings_rows_and_tables_and_rejects_objects_without_one()
    {
        Assert.Equal("alice", Items.GetFrom("alice", null, All).Result!.UserId);
        Assert.Equal("bob", Items.GetFrom(new object(), Props(("Account", "bob"), ("x", 1)), All).Result!.UserId);
        Assert.Equal("carol", Items.GetFrom(new Hashtable { ["To_Account"] = "carol" }, null, All).Result!.UserId);
        var junk = new object();
        var rejected = Items.GetFrom(junk, Props(("User", "alice")), All);
        Assert.Equal("InputObjectNoUserId", rejected.Failure!.ErrorId);
        Assert.Same(junk, rejected.Failure.TargetObject);
        Assert.Equal("UserIdEmpty", ErrorOf(Items.GetFrom(junk, Props(("UserId", null)), All)));
        Assert.Equal("InputObjectNull", ErrorOf(Items.GetFrom(null, null, All)));
    }

    [Fact]
    public void Remove_reads_names_from_the_row_unless_given()
    {
        var row = Items.RemoveFrom(new object(), Props(("UserId", "alice"), ("Name", "city")), null, All);
        Assert.Equal(new[] { "city" }, row.Result!.Names);
        var many = Items.RemoveFrom(new object(), Props(("UserId", "alice"), ("Names", new object[] { "city", "tier" })), null, All);
        Assert.Equal(new[] { "city", "tier" }, many.Result!.Names);
        var given = Items.RemoveFrom(new object(), Props(("UserId", "alice"), ("Name", "city")), new[] { "tier" }, All);
        Assert.Equal(new[] { "tier" }, given.Result!.Names);
        Assert.Equal(new[] { "sex" }, Items.RemoveFrom("bob", null, new[] { "sex" }, All).Result!.Names);
        Assert.Equal("NameListEmpty", ErrorOf(Items.RemoveFrom("bob", null, null, All)));
        Assert.Equal("NameListEmpty", ErrorOf(Items.RemoveFrom(new object(), Props(("UserId", "alice")), null, All)));
        Assert.Equal("InputObjectNoUserId", ErrorOf(Items.RemoveFrom(new object(), Props(("User", "alice"), ("Name", "city")), null, All)));
    }
}
