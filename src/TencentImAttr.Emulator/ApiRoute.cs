using TencentImAttr.Core.Api;

namespace TencentImAttr.Emulator;

/// <summary>An API the emulator serves: its family, its operation and its name on the wire.</summary>
internal sealed record ApiRoute(ImService Service, ImOperation Operation, string ApiName)
{
    /// <summary>Every API name the emulator serves, in both families (im_set_attr, set_attr...).</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<ImService>()
        .SelectMany(service => Enum.GetValues<ImOperation>().Select(operation => ImApiRoutes.ApiName(service, operation)))
        .Distinct(StringComparer.Ordinal)
        .ToList();

    /// <summary>Whether the API changes users' state (set, remove, add, clear), which a lost or late write concerns.</summary>
    public bool WritesUsers => Operation is ImOperation.SetAttributes or ImOperation.RemoveAttributes or ImOperation.AddTags or ImOperation.RemoveTags or ImOperation.ClearTags;

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
