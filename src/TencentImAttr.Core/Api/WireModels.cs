using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace TencentImAttr.Core.Api;

// The request and response shapes exactly as Tencent documents them; property names are case-sensitive on the wire.

/// <summary>The envelope every response carries.</summary>
internal class ApiEnvelope
{
    /// <summary>"OK" or "FAIL".</summary>
    public string? ActionStatus { get; set; }
    /// <summary>0 on success.</summary>
    public int ErrorCode { get; set; }
    /// <summary>A text that explains the error.</summary>
    public string? ErrorInfo { get; set; }
    /// <summary>Users that failed in a call that otherwise succeeded (the Push family documents it; read it in both).</summary>
    public List<UserError>? ErrorList { get; set; }
}

/// <summary>One user's failure inside an ErrorList.</summary>
internal sealed class UserError
{
    /// <summary>The user.</summary>
    public string? To_Account { get; set; }
    /// <summary>The user's error code.</summary>
    public int ErrorCode { get; set; }
    /// <summary>The user's error text.</summary>
    public string? ErrorInfo { get; set; }
}

/// <summary>im_set_attr request.</summary>
internal sealed class SetAttributesRequest
{
    /// <summary>The users and their attributes.</summary>
    public List<UserAttributeValues> UserAttrs { get; set; } = new();
}

/// <summary>One user's attribute values (set request, get response).</summary>
internal sealed class UserAttributeValues
{
    /// <summary>The user.</summary>
    public string? To_Account { get; set; }
    /// <summary>Attribute name to value.</summary>
    public Dictionary<string, string>? Attrs { get; set; }
}

/// <summary>im_get_attr request; im_get_tag and im_remove_all_tags take the same shape.</summary>
internal sealed class GetAttributesRequest
{
    /// <summary>The users to read.</summary>
    public List<string> To_Account { get; set; } = new();
}

/// <summary>im_get_attr response.</summary>
internal sealed class GetAttributesResponse : ApiEnvelope
{
    /// <summary>The users' attributes, in no particular order.</summary>
    public List<UserAttributeValues>? UserAttrs { get; set; }
}

/// <summary>im_remove_attr request.</summary>
internal sealed class RemoveAttributesRequest
{
    /// <summary>The users and the attribute names to remove.</summary>
    public List<UserAttributeNames> UserAttrs { get; set; } = new();
}

/// <summary>One user's attribute names to remove: an array of names, not a map.</summary>
internal sealed class UserAttributeNames
{
    /// <summary>The user.</summary>
    public string? To_Account { get; set; }
    /// <summary>The names to remove.</summary>
    public List<string>? Attrs { get; set; }
}

/// <summary>im_get_attr_name request: an empty object.</summary>
internal sealed class EmptyRequest
{
}

/// <summary>im_get_attr_name response.</summary>
internal sealed class GetAttributeNamesResponse : ApiEnvelope
{
    /// <summary>Slot ("0".."9") to name.</summary>
    public Dictionary<string, string>? AttrNames { get; set; }
    /// <summary>Slot to account type (Push family: 0 UserID, 1 RegistrationID).</summary>
    public Dictionary<string, int>? AttrTypes { get; set; }
}

/// <summary>im_set_attr_name request.</summary>
internal sealed class SetAttributeNamesRequest
{
    /// <summary>Slot ("0".."9") to name.</summary>
    public Dictionary<string, string> AttrNames { get; set; } = new();
    /// <summary>Slot to account type (Push family only; fixed once set).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, int>? AttrTypes { get; set; }
}

/// <summary>im_add_tag / add_tag and im_remove_tag / remove_tag request.</summary>
internal sealed class UserTagsRequest
{
    /// <summary>The users and their tags.</summary>
    public List<UserTagList> UserTags { get; set; } = new();
    /// <summary>Push family add only: 1 overwrites all of each user's tags, 0 adds; absent elsewhere.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Replace { get; set; }
}

/// <summary>One user's tags (add and remove requests, get response).</summary>
internal sealed class UserTagList
{
    /// <summary>The user.</summary>
    public string? To_Account { get; set; }
    /// <summary>The tags.</summary>
    public List<string>? Tags { get; set; }
}

/// <summary>im_get_tag / get_tag response.</summary>
internal sealed class GetTagsResponse : ApiEnvelope
{
    /// <summary>The users' tags, in no particular order.</summary>
    public List<UserTagList>? UserTags { get; set; }
}

/// <summary>The source-generated serializers: no reflection at run time, and no surprises in the wire shape.</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(ApiEnvelope))]
[JsonSerializable(typeof(SetAttributesRequest))]
[JsonSerializable(typeof(GetAttributesRequest))]
[JsonSerializable(typeof(GetAttributesResponse))]
[JsonSerializable(typeof(RemoveAttributesRequest))]
[JsonSerializable(typeof(EmptyRequest))]
[JsonSerializable(typeof(GetAttributeNamesResponse))]
[JsonSerializable(typeof(SetAttributeNamesRequest))]
[JsonSerializable(typeof(UserTagsRequest))]
[JsonSerializable(typeof(GetTagsResponse))]
internal partial class ImJsonContext : JsonSerializerContext
{
}
