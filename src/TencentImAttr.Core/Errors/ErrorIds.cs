using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace TencentImAttr.Core.Errors;

/// <summary>
/// Every error id the module can write (the first part of FullyQualifiedErrorId): one constant each, so that a test
/// can hold the error table (docs/errors.md) to exactly this list. Ids that carry a code or a status are a prefix here.
/// </summary>
internal static class ErrorIds
{
    // Failed calls.
    internal const string ApiErrorPrefix = "ImApiError";
    internal const string HttpErrorPrefix = "ImHttpError";
    internal const string ConnectionFailed = "ImConnectionFailed";
    internal const string RequestTimeout = "ImRequestTimeout";
    internal const string MalformedResponse = "ImMalformedResponse";
    internal const string ResponseTooLarge = "ImResponseTooLarge";
    internal const string UserMissingFromResponse = "ImUserMissingFromResponse";
    internal const string UserAmbiguousInResponse = "ImUserAmbiguousInResponse";
    internal const string UnexpectedError = "ImUnexpectedError";
    internal const string NotSent = "ImNotSent";

    // -Verify: a user read back after its write (and one more) still differs from what was meant.
    internal const string VerifyMismatch = "ImVerifyMismatch";
    internal const string VerifySettleWithoutVerify = "VerifySettleWithoutVerify";

    // Users and attributes, checked before sending.
    internal const string UserIdEmpty = "UserIdEmpty";
    internal const string UserIdTooLong = "UserIdTooLong";
    internal const string UserIdInvalidType = "UserIdInvalidType";
    internal const string UserIdControlCharacter = "UserIdControlCharacter";
    internal const string UserIdInvalidUtf16 = "UserIdInvalidUtf16";
    internal const string UserIdPadded = "UserIdPadded";
    internal const string AttributeNameControlCharacter = "AttributeNameControlCharacter";
    internal const string AttributeNameInvalidUtf16 = "AttributeNameInvalidUtf16";
    internal const string AttributeValueInvalidUtf16 = "AttributeValueInvalidUtf16";
    internal const string InputPropertyUnreadable = "InputPropertyUnreadable";
    internal const string AttributeNameEmpty = "AttributeNameEmpty";
    internal const string AttributeNameTooLong = "AttributeNameTooLong";
    internal const string AttributeValueNull = "AttributeValueNull";
    internal const string AttributeValueEmpty = "AttributeValueEmpty";
    internal const string AttributeValueTooLong = "AttributeValueTooLong";
    internal const string AttributeValueUnsupportedType = "AttributeValueUnsupportedType";
    internal const string AttributeSetEmpty = "AttributeSetEmpty";
    internal const string AttributeTableAsText = "AttributeTableAsText";
    internal const string AttributeTableDate = "AttributeTableDate";
    internal const string NameListEmpty = "NameListEmpty";
    internal const string InputObjectNoUserId = "InputObjectNoUserId";
    internal const string InputObjectNull = "InputObjectNull";

    // Tags, checked before sending.
    internal const string TagEmpty = "TagEmpty";
    internal const string TagTooLong = "TagTooLong";
    internal const string TagControlCharacter = "TagControlCharacter";
    internal const string TagInvalidUtf16 = "TagInvalidUtf16";
    internal const string TagListEmpty = "TagListEmpty";
    internal const string TooManyTags = "TooManyTags";
    internal const string ReplaceNeedsPushService = "ReplaceNeedsPushService";

    // Set-ImUserAttribute -Replace: one of a user's two writes landed, the other did not go.
    internal const string ReplacePartlyApplied = "ReplacePartlyApplied";

    // Nothing destroyed by accident (terminating, before anything more is sent): a name the app does not register,
    // a removal that could not be asked, a -Replace user again in a later sync batch (per user).
    internal const string AttributeNameNotRegistered = "AttributeNameNotRegistered";
    internal const string RemovalNotConfirmed = "RemovalNotConfirmed";
    internal const string ReplaceUserRepeated = "ReplaceUserRepeated";
    internal const string RemoveUnlistedWithoutReplace = "RemoveUnlistedWithoutReplace";

    // Set-ImAppAttributeName.
    internal const string TooManyAttributeNames = "TooManyAttributeNames";
    internal const string DuplicateAttributeName = "DuplicateAttributeName";
    internal const string AttributeNameListEmpty = "AttributeNameListEmpty";
    internal const string AccountTypeNeedsPushService = "AccountTypeNeedsPushService";
    internal const string AccountTypeCountMismatch = "AccountTypeCountMismatch";

    // Run journal (-JournalPath, Get-ImRunJournal).
    internal const string JournalExists = "JournalExists";
    internal const string JournalWriteFailed = "JournalWriteFailed";
    internal const string JournalInvalid = "JournalInvalid";
    internal const string JournalOtherApp = "JournalOtherApp";
    internal const string JournalInUse = "JournalInUse";
    internal const string JournalPathInvalid = "JournalPathInvalid";
    internal const string JournalMismatch = "JournalMismatch";
    internal const string ResumeNeedsJournal = "ResumeNeedsJournal";
    internal const string UndoConflict = "ImUndoConflict";

    // Connecting (terminating).
    internal const string NotConnected = "NotConnected";
    internal const string AsRowNamesNotColumns = "AsRowNamesNotColumns";
    internal const string InvalidConnectionSettings = "InvalidConnectionSettings";
    internal const string RegionAndBaseUri = "RegionAndBaseUri";
    internal const string UserSigExpired = "UserSigExpired";
    internal const string NoDefaultWithoutPassThru = "NoDefaultWithoutPassThru";

    /// <summary>Every id and prefix above (a prefix is followed by a code or a status in the id written).</summary>
    internal static IReadOnlyList<string> All { get; } = typeof(ErrorIds)
        .GetFields(BindingFlags.NonPublic | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    /// <summary>The ids above that are prefixes.</summary>
    internal static IReadOnlyList<string> Prefixes { get; } = new[] { ApiErrorPrefix, HttpErrorPrefix };
}
