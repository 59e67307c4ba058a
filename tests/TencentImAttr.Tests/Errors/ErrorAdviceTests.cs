using System;
using TencentImAttr.Core.Errors;
using Xunit;

namespace TencentImAttr.Tests.Errors;

/// <summary>Every message of a code that a change of settings can cure says what to do, in sentences of their own.</summary>
public class ErrorAdviceTests
{
    [Theory]
    [InlineData(70001, "-SecretKey so that the module makes and renews it")]
    [InlineData(70001, "Connect again with a new UserSig")]
    [InlineData(90009, "The identifier must be an App administrator")]
    [InlineData(70016, "another region: check -Region (or -BaseUri)")]
    [InlineData(70020, "another region: check -Region (or -BaseUri)")]
    [InlineData(60020, "plan has expired: renew it")]
    [InlineData(60021, "allow list")]
    [InlineData(90033, "Set-ImAppAttributeName")]
    [InlineData(90045, "Enable the Push service")]
    public void The_message_says_what_to_do(int code, string advice) =>
        Assert.Contains(advice, ImApiException.FromCode("im_set_attr", code, "server text").Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("key not found", "im_get_attr failed with error 70016 (no key was found for this SDKAppID): key not found. This usually means")]
    [InlineData("key not found.  ", "im_get_attr failed with error 70016 (no key was found for this SDKAppID): key not found. This usually means")]
    [InlineData("", "im_get_attr failed with error 70016 (no key was found for this SDKAppID). This usually means")]
    public void The_servers_text_and_the_advice_are_two_sentences(string info, string start) =>
        Assert.StartsWith(start, ImApiException.FromCode("im_get_attr", 70016, info).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(70001, true)] [InlineData(70020, true)] [InlineData(70050, true)] [InlineData(70052, true)]
    [InlineData(60006, true)] [InlineData(60016, true)] [InlineData(60017, true)] [InlineData(60020, true)] [InlineData(60021, true)] [InlineData(90009, true)] [InlineData(90045, true)]
    [InlineData(70107, false)] [InlineData(90033, false)] [InlineData(60007, false)] [InlineData(91000, false)] [InlineData(70169, false)]
    public void The_classifier_names_the_codes_that_say_the_connection_is_wrong(int code, bool connectionLevel) =>
        Assert.Equal(connectionLevel, ResponseClassifier.IsConnectionLevel(ImApiException.FromCode("im_set_attr", code, null)));
}
