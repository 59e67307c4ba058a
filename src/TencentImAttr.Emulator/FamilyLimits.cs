using System.Text;
using System.Text.RegularExpressions;

namespace TencentImAttr.Emulator;

/// <summary>
/// The limits of one family, as the emulator reads them in the documents (shared/API.md, shared/seeds), each
/// counted the way the pages count it: bytes are UTF-8 bytes, never characters. Kept apart from the module's own
/// checks on purpose (issue 21): tests/contract/limits.json holds both to the pages, and is read by that test only.
/// Where a page is silent the emulator takes the strict reading; docs/emulator.md lists each such choice.
/// </summary>
internal sealed record FamilyLimits
{
    // A Push service RegistrationID as the pages show one: 379C2F0D-290D-47AE-94D1-919058C39C77 (36 characters).
    private static readonly Regex RegistrationIdShape = new("^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$", RegexOptions.CultureInvariant);

    /// <summary>The IM REST API's <c>all_member_push</c> pages.</summary>
    public static FamilyLimits AllMemberPush { get; } = new()
    {
        // "Each request can set attributes for a maximum of 100 users" (set, get and remove pages); API.md: tags too.
        UsersPerCall = 100,
        // API.md: "a string of at most 32 bytes (the account-import pages state this limit)".
        UserIdBytes = 32,
        // Set page: "A user attribute value cannot exceed 50 bytes".
        ValueBytes = 50,
        // API.md, im_set_attr_name: "each name at most 50 bytes".
        NameBytes = 50,
        // API.md, im_set_attr_name: keys "0".."9", "at most 10 attributes per app".
        AttributeNamesPerApp = 10,
        // API.md, tags: "each tag at most 50 bytes".
        TagBytes = 50,
        // API.md, tags: "at most 10 tags per user in one add".
        TagsPerAdd = 10,
        // No Replace in this family (API.md): an add is an add.
        TagsPerReplace = null,
        // API.md, tags: "at most 100 tags per user".
        TagsPerUser = 100,
        // Stated for timpush only; silent here, so the strict reading: the same 1,000 (docs/emulator.md).
        TagsPerApp = 1000,
        RegistrationIds = false,
    };

    /// <summary>The Push service's <c>timpush</c> pages: the same limits, RegistrationIDs, and Replace.</summary>
    public static FamilyLimits Push { get; } = AllMemberPush with
    {
        // API.md: "timpush: 100 with Replace: 1".
        TagsPerReplace = 100,
        // API.md: "timpush: at most 1,000 distinct tags per app".
        TagsPerApp = 1000,
        // API.md: "To_Account may be a UserID or a RegistrationID ... the 32-byte UserID limit does not apply to it".
        RegistrationIds = true,
    };

    /// <summary>The limits of <paramref name="family"/>.</summary>
    public static FamilyLimits Of(ApiFamily family) => family == ApiFamily.Push ? Push : AllMemberPush;

    /// <summary>Accounts in one call.</summary>
    public int UsersPerCall { get; init; }

    /// <summary>UTF-8 bytes in a UserID.</summary>
    public int UserIdBytes { get; init; }

    /// <summary>UTF-8 bytes in an attribute value.</summary>
    public int ValueBytes { get; init; }

    /// <summary>UTF-8 bytes in an attribute name.</summary>
    public int NameBytes { get; init; }

    /// <summary>Attribute names an app registers (slots "0" to "9").</summary>
    public int AttributeNamesPerApp { get; init; }

    /// <summary>UTF-8 bytes in a tag.</summary>
    public int TagBytes { get; init; }

    /// <summary>Tags for one user in one add.</summary>
    public int TagsPerAdd { get; init; }

    /// <summary>Tags for one user in one add with <c>Replace: 1</c>; null where the family has no Replace.</summary>
    public int? TagsPerReplace { get; init; }

    /// <summary>Tags a user holds.</summary>
    public int TagsPerUser { get; init; }

    /// <summary>Distinct tags an app holds.</summary>
    public int TagsPerApp { get; init; }

    /// <summary>Whether To_Account may be a RegistrationID.</summary>
    public bool RegistrationIds { get; init; }

    /// <summary>The UTF-8 length of a text: every limit above in bytes is counted so.</summary>
    public static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>Whether a text has the shape of a RegistrationID.</summary>
    public static bool IsRegistrationId(string account) => RegistrationIdShape.IsMatch(account);

    /// <summary>Whether an account of this length and shape is a well-formed To_Account in this family.</summary>
    public bool AcceptsAccount(string account) => Bytes(account) <= UserIdBytes || (RegistrationIds && IsRegistrationId(account));
}
