using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Core.Input;

/// <summary>The documented limits, checked before anything is sent, each with its own error id.</summary>
internal static class InputRules
{
    /// <summary>Users per call.</summary>
    public const int MaxUsersPerCall = 100;
    /// <summary>UTF-8 bytes in a UserID.</summary>
    public const int MaxUserIdBytes = 32;
    /// <summary>UTF-8 bytes in an attribute value.</summary>
    public const int MaxValueBytes = 50;
    /// <summary>UTF-8 bytes in an attribute name.</summary>
    public const int MaxNameBytes = 50;
    /// <summary>Attribute names an app can register.</summary>
    public const int MaxAppAttributes = 10;
    /// <summary>UTF-8 bytes in a tag.</summary>
    public const int MaxTagBytes = 50;
    /// <summary>Tags one user may carry in one add call (Replace 0).</summary>
    public const int MaxTagsPerAdd = 10;
    /// <summary>Tags one user may carry in one add call with Replace 1 (Push family), and tags a user may hold.</summary>
    public const int MaxTagsPerUser = 100;
    /// <summary>Distinct tags an app may hold (Push family).</summary>
    public const int MaxAppTags = 1000;

    // The Push service's device registration ids look like 379C2F0D-290D-47AE-94D1-919058C39C77.
    private static readonly Regex RegistrationId = new("^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$", RegexOptions.CultureInvariant);

    /// <summary>The UTF-8 length of a text.</summary>
    public static int Utf8Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>Whether a text has the shape of a Push service RegistrationID.</summary>
    public static bool IsRegistrationId(string text) => RegistrationId.IsMatch(text);

    /// <summary>What is wrong with the characters of a text, if anything.</summary>
    public enum TextFault
    {
        /// <summary>Nothing.</summary>
        None,
        /// <summary>A control character (TAB, LF, NUL, ESC, DEL, C1...).</summary>
        ControlCharacter,
        /// <summary>A lone surrogate: not valid UTF-16, so UTF-8 would turn it into U+FFFD and two different texts into one.</summary>
        InvalidUtf16,
    }

    /// <summary>The one rule on the characters of what is sent: valid UTF-16 always; no control characters where <paramref name="controlAllowed"/> is false.</summary>
    public static TextFault CheckText(string text, bool controlAllowed)
    {
        var fault = TextFault.None;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c)) return TextFault.InvalidUtf16;
            if (!controlAllowed && char.IsControl(c)) fault = TextFault.ControlCharacter;
        }
        return fault;
    }

    // The checks below run for every name and value of every user, and nearly always pass: the texts of a message
    // (who, what) are built only once a rule is broken, never on the way through (issue 18, allocations per user).
    private static ImInputException TextError(TextFault fault, string text, string what, (string Control, string Utf16) ids, object? target) =>
        fault == TextFault.ControlCharacter
            ? new ImInputException(ids.Control, $"{what} '{MessageText.Quote(text)}' contains a control character (shown escaped): TAB, line breaks, NUL and terminal escapes are not allowed there, so it is not sent.", target)
            : new ImInputException(ids.Utf16, $"{what} '{MessageText.Quote(text)}' is not valid UTF-16 (a lone surrogate, shown escaped): UTF-8 would turn it into U+FFFD, so that different texts would land on one.", target);

    /// <summary>Checks a user id: not null, empty or blank; no control characters; valid UTF-16; no blank at either end; at most 32 bytes, except a RegistrationID on the Push family.</summary>
    public static ImInputException? CheckUserId(string? userId, ImService service)
    {
        if (userId is null || userId.Trim().Length == 0)
        {
            return new ImInputException(ErrorIds.UserIdEmpty, userId is null ? "A user id is null." : $"The user id '{MessageText.Quote(userId)}' is empty or blank.", userId);
        }
        var fault = CheckText(userId, controlAllowed: false);
        if (fault != TextFault.None) return TextError(fault, userId, "The user id", (ErrorIds.UserIdControlCharacter, ErrorIds.UserIdInvalidUtf16), userId);
        if (char.IsWhiteSpace(userId[0]) || char.IsWhiteSpace(userId[userId.Length - 1]))
        {
            // The service would take ' alice' as a new account, not as alice: a padded cell or line is a mistake.
            return new ImInputException(ErrorIds.UserIdPadded, $"The user id '{MessageText.Quote(userId)}' begins or ends with a blank, so it would name another account than '{MessageText.Quote(userId.Trim())}'; it is not sent. Trim the ids (for example ForEach-Object Trim, or Import-Csv of a file without blanks around the commas).", userId);
        }
        var bytes = Utf8Bytes(userId);
        if (bytes > MaxUserIdBytes && !(service == ImService.Push && IsRegistrationId(userId)))
        {
            var hint = service == ImService.AllMemberPush && IsRegistrationId(userId)
                ? " It looks like a RegistrationID: those are accepted only by the Push service (Connect-ImApp -Service Push)."
                : "";
            return new ImInputException(ErrorIds.UserIdTooLong, $"The user id '{MessageText.Quote(userId)}' is {bytes} bytes in UTF-8; a UserID is at most {MaxUserIdBytes}.{hint}", userId);
        }
        return null;
    }

    /// <summary>
    /// Checks each of <paramref name="values"/> with <paramref name="rule"/> and keeps them in the order first given,
    /// without repeats (names to remove, tags): the first value that breaks the rule is the error.
    /// </summary>
    public static ImInputException? CheckDistinct(IEnumerable<string?>? values, Func<string?, object?, ImInputException?> rule, object? target, out List<string> distinct)
    {
        distinct = new List<string>();
        // Once per user: a list (-Name, -Tag) is read by index and the repeats are found by a loop, where foreach
        // over the interface and LINQ's Contains with a comparer would each allocate an enumerator (issue 18).
        if (values is IReadOnlyList<string?> list)
        {
            for (var k = 0; k < list.Count; k++)
            {
                var bad = TakeDistinct(list[k], rule, target, distinct);
                if (bad is not null) return bad;
            }
            return null;
        }
        foreach (var value in values ?? Array.Empty<string?>())
        {
            var bad = TakeDistinct(value, rule, target, distinct);
            if (bad is not null) return bad;
        }
        return null;
    }

    private static ImInputException? TakeDistinct(string? value, Func<string?, object?, ImInputException?> rule, object? target, List<string> distinct)
    {
        var bad = rule(value, target);
        if (bad is not null) return bad;
        for (var k = 0; k < distinct.Count; k++)
        {
            if (string.Equals(distinct[k], value, StringComparison.Ordinal)) return null;
        }
        distinct.Add(value!);
        return null;
    }

    /// <summary>Checks an attribute name: not empty, at most 50 bytes.</summary>
    public static ImInputException? CheckName(string? name, object? target)
    {
        if (name is null || name.Trim().Length == 0)
        {
            return new ImInputException(ErrorIds.AttributeNameEmpty, $"{Who(target)}an attribute name is null, empty or blank.", target);
        }
        var fault = CheckText(name, controlAllowed: false);
        if (fault != TextFault.None) return TextError(fault, name, Who(target) + "the attribute name", (ErrorIds.AttributeNameControlCharacter, ErrorIds.AttributeNameInvalidUtf16), target);
        var bytes = Utf8Bytes(name);
        if (bytes > MaxNameBytes)
        {
            return new ImInputException(ErrorIds.AttributeNameTooLong, $"{Who(target)}the attribute name '{MessageText.Quote(name)}' is {bytes} bytes in UTF-8; the limit is {MaxNameBytes}.", target);
        }
        return null;
    }

    /// <summary>Checks a tag: not null, empty or blank; no control characters; valid UTF-16; at most 50 bytes.</summary>
    public static ImInputException? CheckTag(string? tag, object? target)
    {
        if (tag is null || tag.Trim().Length == 0)
        {
            return new ImInputException(ErrorIds.TagEmpty, $"{Who(target)}a tag is null, empty or blank.", target);
        }
        var fault = CheckText(tag, controlAllowed: false);
        if (fault != TextFault.None) return TextError(fault, tag, Who(target) + "the tag", (ErrorIds.TagControlCharacter, ErrorIds.TagInvalidUtf16), target);
        var bytes = Utf8Bytes(tag);
        return bytes > MaxTagBytes
            ? new ImInputException(ErrorIds.TagTooLong, $"{Who(target)}the tag '{MessageText.Quote(tag)}' is {bytes} bytes in UTF-8; the limit is {MaxTagBytes}.", target)
            : null;
    }

    /// <summary>
    /// Turns a value into the string sent: strings as they are; numbers, booleans ("true"/"false"), dates (ISO 8601),
    /// enums and GUIDs in the invariant culture. Collections, tables and other objects are rejected; so are values over 50 bytes.
    /// </summary>
    public static ImInputException? ConvertValue(object? value, string name, object? target, out string text)
    {
        text = "";
        switch (value)
        {
            case null:
                return new ImInputException(ErrorIds.AttributeValueNull, $"{Who(target)}the attribute '{MessageText.Quote(name)}' has no value. To remove an attribute use Remove-ImUserAttribute.", target);
            case string s:
                text = s;
                break;
            case bool b:
                text = b ? "true" : "false";
                break;
            case DateTime d:
                text = d.ToString("o", CultureInfo.InvariantCulture);
                break;
            case DateTimeOffset o:
                text = o.ToString("o", CultureInfo.InvariantCulture);
                break;
            case char c:
                text = c.ToString();
                break;
            case Enum e:
                text = e.ToString();
                break;
            case Guid g:
                text = g.ToString("D");
                break;
            case IFormattable f when value is not IEnumerable:
                text = f.ToString(null, CultureInfo.InvariantCulture);
                break;
            default:
                return new ImInputException(ErrorIds.AttributeValueUnsupportedType,
                    $"{Who(target)}the attribute '{MessageText.Quote(name)}' has a value of type {value.GetType().FullName}; a value must be a string, a number, a boolean or a date, not a collection or an object.",
                    target, ImErrorCategory.InvalidType);
        }
        if (text.Length == 0)
        {
            return new ImInputException(ErrorIds.AttributeValueEmpty, $"{Who(target)}the attribute '{MessageText.Quote(name)}' has an empty value. To remove an attribute use Remove-ImUserAttribute.", target);
        }
        // Control characters are data in a value; a lone surrogate is not text at all.
        var fault = CheckText(text, controlAllowed: true);
        if (fault != TextFault.None) return TextError(fault, text, $"{Who(target)}the value of attribute '{MessageText.Quote(name)}',", (ErrorIds.AttributeValueInvalidUtf16, ErrorIds.AttributeValueInvalidUtf16), target);
        var bytes = Utf8Bytes(text);
        if (bytes > MaxValueBytes)
        {
            return new ImInputException(ErrorIds.AttributeValueTooLong, $"{Who(target)}the value of attribute '{MessageText.Quote(name)}' ('{MessageText.Quote(text)}') is {bytes} bytes in UTF-8; the limit is {MaxValueBytes}.", target);
        }
        return null;
    }

    private static string Who(object? target) => target is string user ? $"User '{MessageText.Quote(user)}': " : "";
}
