using TencentImAttr.Core.Api;

namespace TencentImAttr.Emulator;

/// <summary>An API the emulator serves: its family, its operation and its name on the wire.</summary>
internal sealed record ApiRoute(ImService Service, ImOperation Operation, string ApiName)
{
    /// <summary>
    /// Finds the API a path names (<c>v4/all_member_push/im_set_attr</c>, <c>/v4/timpush/get_attr</c>...), using the
    /// core's own route table so that the emulator and the client cannot disagree about names.
    /// </summary>
    public static ApiRoute? Find(string path)
    {
        var trimmed = path.TrimStart('/');
        foreach (var service in Enum.GetValues<ImService>())
        {
            foreach (var operation in Enum.GetValues<ImOperation>())
            {
                if (string.Equals(ImApiRoutes.Path(service, operation), trimmed, StringComparison.Ordinal))
                {
                    return new ApiRoute(service, operation, ImApiRoutes.ApiName(service, operation));
                }
            }
        }
        return null;
    }
}
