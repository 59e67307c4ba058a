namespace TencentImAttr.Core.Api;

/// <summary>The attribute operations the module calls, independent of the API family that serves them.</summary>
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
    /// <summary>The API name as Tencent writes it, e.g. <c>im_set_attr</c> or <c>set_attr</c>.</summary>
    public static string ApiName(ImService service, ImOperation operation)
    {
        var name = operation switch
        {
            ImOperation.SetAttributes => "set_attr",
            ImOperation.GetAttributes => "get_attr",
            ImOperation.RemoveAttributes => "remove_attr",
            ImOperation.GetAttributeNames => "get_attr_name",
            ImOperation.SetAttributeNames => "set_attr_name",
            _ => throw new System.ArgumentOutOfRangeException(nameof(operation)),
        };
        return service == ImService.AllMemberPush ? "im_" + name : name;
    }

    /// <summary>The path below the base URI, without a leading slash, e.g. <c>v4/all_member_push/im_set_attr</c>.</summary>
    public static string Path(ImService service, ImOperation operation) =>
        (service == ImService.AllMemberPush ? "v4/all_member_push/" : "v4/timpush/") + ApiName(service, operation);
}
