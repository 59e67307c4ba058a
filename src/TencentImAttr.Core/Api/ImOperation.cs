namespace TencentImAttr.Core.Api;

/// <summary>The attribute and tag operations the module calls, independent of the API family that serves them.</summary>
internal enum ImOperation
{
    /// <summary>Set user attributes (im_set_attr / set_attr).</summary>
    SetAttributes,
    /// <summary>Get user attributes (im_get_attr / get_attr).</summary>
    GetAttributes,
    /// <summary>Remove user attributes (im_remove_attr / remove_attr).</summary>
    RemoveAttributes,
    /// <summary>Read the app's attribute names (im_get_attr_name / get_attr_name).</summary>
    GetAttributeNames,
    /// <summary>Register the app's attribute names (im_set_attr_name / set_attr_name).</summary>
    SetAttributeNames,
    /// <summary>Add tags to users (im_add_tag / add_tag).</summary>
    AddTags,
    /// <summary>Get users' tags (im_get_tag / get_tag).</summary>
    GetTags,
    /// <summary>Remove named tags from users (im_remove_tag / remove_tag).</summary>
    RemoveTags,
    /// <summary>Remove every tag of users (im_remove_all_tags / clear_all_tags: the one name that differs beyond the prefix).</summary>
    ClearTags,
}

/// <summary>Which of Tencent's two documented API families serves the attribute operations.</summary>
public enum ImService
{
    /// <summary>The IM REST API's <c>v4/all_member_push/im_*</c> endpoints (the default).</summary>
    AllMemberPush,
    /// <summary>The Push service's <c>v4/timpush/*</c> endpoints: RegistrationIDs too, and per-user partial failures.</summary>
    Push,
}

/// <summary>Maps an operation to the URL path and API name of a family.</summary>
internal static class ImApiRoutes
{
    /// <summary>
    /// Whether the operation only reads (get attributes, get tags, get the app's names): the summary's ReadCalls;
    /// every other operation changes something (set, remove, add, clear, register names): its WriteCalls.
    /// </summary>
    public static bool IsRead(ImOperation operation) =>
        operation is ImOperation.GetAttributes or ImOperation.GetTags or ImOperation.GetAttributeNames;

    /// <summary>The API name as Tencent writes it, e.g. <c>im_set_attr</c> or <c>set_attr</c>.</summary>
    public static string ApiName(ImService service, ImOperation operation)
    {
        if (operation == ImOperation.ClearTags) return service == ImService.AllMemberPush ? "im_remove_all_tags" : "clear_all_tags";
        var name = operation switch
        {
            ImOperation.SetAttributes => "set_attr",
            ImOperation.GetAttributes => "get_attr",
            ImOperation.RemoveAttributes => "remove_attr",
            ImOperation.GetAttributeNames => "get_attr_name",
            ImOperation.SetAttributeNames => "set_attr_name",
            ImOperation.AddTags => "add_tag",
            ImOperation.GetTags => "get_tag",
            ImOperation.RemoveTags => "remove_tag",
            _ => throw new System.ArgumentOutOfRangeException(nameof(operation)),
        };
        return service == ImService.AllMemberPush ? "im_" + name : name;
    }

    /// <summary>The path below the base URI, without a leading slash, e.g. <c>v4/all_member_push/im_set_attr</c>.</summary>
    public static string Path(ImService service, ImOperation operation) =>
        (service == ImService.AllMemberPush ? "v4/all_member_push/" : "v4/timpush/") + ApiName(service, operation);
}
