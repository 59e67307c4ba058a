using System;
using System.Collections;
using System.Collections.Generic;
using System.Data;
using System.Linq;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Input;
using TencentImAttr.Core.Text;
using TencentImAttr.Testing;
using Xunit;

namespace TencentImAttr.Tests.Trust;

/// <summary>Input that is odd or hostile: each bad item gets its own named error; the others still go.</summary>
public class HostileInputTests
{
    private const ImService All = ImService.AllMemberPush;

    private static List<KeyValuePair<string, object?>> Props(params (string Name, object? Value)[] pairs) =>
        pairs.Select(p => new KeyValuePair<string, object?>(p.Name, p.Value)).ToList();

    [Theory]
    [InlineData("ali\tce", "UserIdControlCharacter")]
    [InlineData("alice\n", "UserIdControlCharacter")]
    [InlineData("al\0ice", "UserIdControlCharacter")]
    [InlineData("al\u001b[31mice", "UserIdControlCharacter")]
    [InlineData("al\u0085ice", "UserIdControlCharacter")]
    [InlineData("\ud83d\ude00smile", null)] // a surrogate pair is valid text
    public void User_ids_with_control_characters_or_lone_surrogates_get_their_own_error(string user, string? errorId)
    {
        var item = Items.Get(user, All);
        Assert.Equal(errorId, item.Failure?.ErrorId);
        if (errorId is null)
        {
            Assert.Equal(user, item.Result!.UserId);
            return;
        }
        Assert.Equal(user, item.Failure!.TargetObject);
        Assert.DoesNotContain(item.Failure.Message, c => char.IsControl(c) || char.IsSurrogate(c));
    }

    [Fact]
    public void Two_ids_that_differ_only_in_a_lone_surrogate_cannot_land_on_one_account()
    {
        // UTF-8 turns both into "a\uFFFDb": the module refuses them rather than send two users as one.
        Assert.Equal("UserIdInvalidUtf16", Items.Get("a\ud800b", All).Failure!.ErrorId);
        Assert.Equal("UserIdInvalidUtf16", Items.Get("a\udbffb", All).Failure!.ErrorId);
        var trailing = Items.Get("alice\udc00", All).Failure!;
        Assert.Equal("UserIdInvalidUtf16", trailing.ErrorId);
        Assert.Contains("alice\\uDC00", trailing.Message, StringComparison.Ordinal);
        // (Lone surrogates cannot go through [InlineData]: attribute blobs would turn them into U+FFFD.)
    }

    [Fact]
    public void Names_and_values_follow_the_text_rule_too()
    {
        Assert.Equal("AttributeNameControlCharacter", Items.Set("u1", new Hashtable { ["ci\nty"] = "x" }, All).Failure!.ErrorId);
        Assert.Equal("AttributeNameInvalidUtf16", Items.Set("u1", new Hashtable { ["ci\ud800ty"] = "x" }, All).Failure!.ErrorId);
        Assert.Equal("AttributeValueInvalidUtf16", Items.Set("u1", new Hashtable { ["city"] = "x\udfff" }, All).Failure!.ErrorId);
        // A line break is data in a value.
        Assert.Null(Items.Set("u1", new Hashtable { ["address"] = "line 1\nline 2" }, All).Failure);
    }

    [Fact]
    public void A_data_row_is_read_by_its_columns_and_DBNull_is_an_empty_cell()
    {
        var table = new DataTable();
        table.Columns.Add("UserId", typeof(string));
        table.Columns.Add("city", typeof(string));
        table.Columns.Add("tier", typeof(string));
        var row = table.Rows.Add("alice", "Shenzhen", DBNull.Value);
        var item = Items.SetFrom(row, InputProperties.OfDataRow(row), null, All);
        Assert.Null(item.Failure);
        Assert.Equal("alice", item.Result!.UserId);
        Assert.Equal(new Dictionary<string, string> { ["city"] = "Shenzhen" }, item.Result.Attributes);
        // A DataRow's own properties (RowState, Table, ItemArray, HasErrors...) are not columns.
        Assert.Equal(new[] { "UserId", "city", "tier" }, InputProperties.OfDataRow(row).Select(p => p.Key));
        var noId = table.Rows.Add(DBNull.Value, "x", "y");
        Assert.Equal("UserIdEmpty", Items.GetFrom(noId, InputProperties.OfDataRow(noId), All).Failure!.ErrorId);
    }

    [Fact]
    public void Properties_added_by_jobs_and_remoting_are_never_sent_as_attributes()
    {
        var props = Props(("UserId", "alice"), ("city", "Shenzhen"), ("PSComputerName", "srv01"), ("RunspaceId", Guid.NewGuid()),
            ("PSShowComputerName", true), ("PSSourceJobInstanceId", Guid.NewGuid()));
        var item = Items.SetFrom(new object(), props, null, All);
        Assert.Null(item.Failure);
        Assert.Equal(new[] { "city" }, item.Result!.Attributes.Keys);
    }

    [Theory]
    [InlineData(1001, "1001")]
    [InlineData(3000000000L, "3000000000")]
    [InlineData((byte)7, "7")]
    public void Numbers_piped_in_are_user_ids(object number, string id)
    {
        Assert.Equal(id, Items.GetFrom(number, null, All).Result!.UserId);
        Assert.Equal(id, Items.RemoveFrom(number, null, new[] { "city" }, All).Result!.UserId);
        Assert.Equal(id, Items.SetFrom(number, null, new Hashtable { ["city"] = "x" }, All).Result!.UserId);
    }

    [Fact]
    public void A_property_whose_getter_threw_makes_the_item_an_error()
    {
        var props = Props(("UserId", "alice"), ("city", new UnreadableProperty("boom")), ("tier", "gold"));
        var item = Items.SetFrom(new object(), props, null, All);
        Assert.Equal("InputPropertyUnreadable", item.Failure!.ErrorId);
        Assert.Contains("'city'", item.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("boom", item.Failure.Message, StringComparison.Ordinal);
        Assert.Equal("InputPropertyUnreadable", Items.GetFrom(new object(), props, All).Failure!.ErrorId);
    }

    [Fact]
    public void A_huge_id_or_value_is_shown_by_its_start_and_its_size_in_bytes()
    {
        var huge = new string('a', 100_000);
        var message = Items.Get(huge, All).Failure!.Message;
        Assert.True(message.Length < 400, message);
        Assert.Contains(new string('a', MessageText.QuotedChars) + "... (100,000 bytes)", message, StringComparison.Ordinal);
        var value = Items.Set("u1", new Hashtable { ["city"] = new string('b', 5000) }, All).Failure!;
        Assert.Equal("AttributeValueTooLong", value.ErrorId);
        Assert.True(value.Message.Length < 400, value.Message);
        Assert.Contains("(5,000 bytes)", value.Message, StringComparison.Ordinal);
        Assert.Equal("short", MessageText.Quote("short"));
    }

    [Theory]
    [InlineData(20 * 365)] // ends after 2038-01-19
    [InlineData(-1)]
    public void A_user_sig_lifetime_the_signature_cannot_carry_is_refused_when_connecting(int days)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => OpenWithLifetime(TimeSpan.FromDays(days)));
        Assert.Contains("lifetime", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Lifetimes_beyond_what_a_signature_carries_or_not_in_whole_seconds_are_refused_and_usual_ones_pass()
    {
        Assert.ThrowsAny<ArgumentException>(() => OpenWithLifetime(TimeSpan.MaxValue));
        Assert.ThrowsAny<ArgumentException>(() => OpenWithLifetime(TimeSpan.FromDays(1) + TimeSpan.FromMilliseconds(500)));
        using var ok = OpenWithLifetime(TimeSpan.FromDays(180));
        Assert.Equal("SecretKey", ok.Authentication);
    }

    private static ImConnection OpenWithLifetime(TimeSpan lifetime) => ImConnection.Open(new ImConnectionSettings
    {
        SdkAppId = TestConnections.AppId,
        Identifier = TestConnections.Admin,
        SecretKey = System.Text.Encoding.UTF8.GetBytes(TestConnections.SampleKey),
        UserSigLifetime = lifetime,
        BaseUri = new Uri("https://im.example.test/"),
    }, new StubHttpHandler(), new ManualClock());
}
