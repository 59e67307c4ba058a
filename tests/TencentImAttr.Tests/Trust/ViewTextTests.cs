using System.Collections.Specialized;
using Xunit;

namespace TencentImAttr.Tests.Trust;

/// <summary>What the format views show for texts from outside (the views call ViewText).</summary>
public class ViewTextTests
{
    [Fact]
    public void A_value_holding_the_views_separators_cannot_read_as_two_attributes()
    {
        var table = new OrderedDictionary { ["city"] = "x; tier=gold", ["tier"] = "free" };
        Assert.Equal("city='x; tier=gold'; tier=free", ViewText.Pairs(table));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a=b", "'a=b'")]
    [InlineData("it's", "'it''s'")]
    [InlineData(" padded ", "' padded '")]
    [InlineData("", "''")]
    [InlineData("a,b", "'a,b'")]
    [InlineData("red\u001b[31m", "'red\\u001B[31m'")]
    [InlineData("two\nlines", "'two\\nlines'")]
    [InlineData("用户", "用户")]
    public void Values_are_shown_plain_or_quoted_with_control_characters_escaped(string value, string shown)
    {
        Assert.Equal(shown, ViewText.Value(value));
    }

    [Fact]
    public void Lists_quote_items_that_hold_a_comma()
    {
        Assert.Equal("city, 'a, b'", ViewText.List(new[] { "city", "a, b" }));
    }
}
