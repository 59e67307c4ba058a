namespace TencentImAttr.Emulator;

/// <summary>The two documented families of the attribute API (shared/API.md).</summary>
internal enum ApiFamily
{
    /// <summary><c>v4/all_member_push/im_*</c>: the IM REST API's pages (shared/seeds).</summary>
    AllMemberPush,
    /// <summary><c>v4/timpush/*</c>: the Push service's pages (RegistrationIDs, per-user ErrorList).</summary>
    Push,
}

/// <summary>What a call does, whatever its family calls it.</summary>
internal enum ApiOperation
{
    /// <summary>im_set_attr / set_attr.</summary>
    SetAttributes,
    /// <summary>im_get_attr / get_attr.</summary>
    GetAttributes,
    /// <summary>im_remove_attr / remove_attr.</summary>
    RemoveAttributes,
    /// <summary>im_get_attr_name / get_attr_name.</summary>
    GetAttributeNames,
    /// <summary>im_set_attr_name / set_attr_name.</summary>
    SetAttributeNames,
    /// <summary>im_add_tag / add_tag.</summary>
    AddTags,
    /// <summary>im_get_tag / get_tag.</summary>
    GetTags,
    /// <summary>im_remove_tag / remove_tag.</summary>
    RemoveTags,
    /// <summary>im_remove_all_tags / clear_all_tags.</summary>
    ClearTags,
}

/// <summary>
/// An API the emulator serves: its family, its operation and its name on the wire. The table is the emulator's own
/// reading of the documents (shared/API.md, shared/seeds), written apart from the module's on purpose: a path the
/// client gets wrong is then a 404 here, not a mistake both sides share (issue 21; tests/contract holds both to the pages).
/// </summary>
internal sealed record ApiRoute(ApiFamily Family, ApiOperation Operation, string ApiName)
{
    private static readonly ApiRoute[] Table =
    {
        // v4/all_member_push/...: the seed pages and API.md's tables.
        new(ApiFamily.AllMemberPush, ApiOperation.SetAttributes, "im_set_attr"),
        new(ApiFamily.AllMemberPush, ApiOperation.GetAttributes, "im_get_attr"),
        new(ApiFamily.AllMemberPush, ApiOperation.RemoveAttributes, "im_remove_attr"),
        new(ApiFamily.AllMemberPush, ApiOperation.GetAttributeNames, "im_get_attr_name"),
        new(ApiFamily.AllMemberPush, ApiOperation.SetAttributeNames, "im_set_attr_name"),
        new(ApiFamily.AllMemberPush, ApiOperation.AddTags, "im_add_tag"),
        new(ApiFamily.AllMemberPush, ApiOperation.GetTags, "im_get_tag"),
        new(ApiFamily.AllMemberPush, ApiOperation.RemoveTags, "im_remove_tag"),
        new(ApiFamily.AllMemberPush, ApiOperation.ClearTags, "im_remove_all_tags"),
        // v4/timpush/...: API.md, "The newer family" and "User tags (both families)".
        new(ApiFamily.Push, ApiOperation.SetAttributes, "set_attr"),
        new(ApiFamily.Push, ApiOperation.GetAttributes, "get_attr"),
        new(ApiFamily.Push, ApiOperation.RemoveAttributes, "remove_attr"),
        new(ApiFamily.Push, ApiOperation.GetAttributeNames, "get_attr_name"),
        new(ApiFamily.Push, ApiOperation.SetAttributeNames, "set_attr_name"),
        new(ApiFamily.Push, ApiOperation.AddTags, "add_tag"),
        new(ApiFamily.Push, ApiOperation.GetTags, "get_tag"),
        new(ApiFamily.Push, ApiOperation.RemoveTags, "remove_tag"),
        new(ApiFamily.Push, ApiOperation.ClearTags, "clear_all_tags"),
    };

    /// <summary>Every API name the emulator serves, in both families (im_set_attr, set_attr...).</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(r => r.ApiName).ToList();

    /// <summary>Every API the emulator serves.</summary>
    public static IReadOnlyList<ApiRoute> All => Table;

    /// <summary>The URL path of the API, without the leading slash: <c>v4/all_member_push/im_set_attr</c>.</summary>
    public string Path => (Family == ApiFamily.AllMemberPush ? "v4/all_member_push/" : "v4/timpush/") + ApiName;

    /// <summary>This family's limits.</summary>
    public FamilyLimits Limits => FamilyLimits.Of(Family);

    /// <summary>Whether the API changes users' state (set, remove, add, clear), which a lost or late write concerns.</summary>
    public bool WritesUsers => Operation is ApiOperation.SetAttributes or ApiOperation.RemoveAttributes or ApiOperation.AddTags or ApiOperation.RemoveTags or ApiOperation.ClearTags;

    /// <summary>Finds the API a path names (<c>v4/all_member_push/im_set_attr</c>, <c>/v4/timpush/get_attr</c>...); null for any other path.</summary>
    public static ApiRoute? Find(string path)
    {
        var trimmed = path.TrimStart('/');
        foreach (var route in Table)
        {
            if (string.Equals(route.Path, trimmed, StringComparison.Ordinal)) return route;
        }
        return null;
    }
}
