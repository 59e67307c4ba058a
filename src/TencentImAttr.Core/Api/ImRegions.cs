using System;
using System.Collections.Generic;
using System.Linq;

namespace TencentImAttr.Core.Api;

/// <summary>The data-centre regions of Tencent Cloud IM and their REST API domains.</summary>
public static class ImRegions
{
    private static readonly (string Name, string Domain, string? Backup)[] Table =
    {
        ("China", "console.tim.qq.com", "adminapi.my-imcloud.com"),
        ("Singapore", "adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com"),
        ("Seoul", "adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com"),
        ("Tokyo", "adminapijpn.im.qcloud.com", "adminapijpn.my-imcloud.com"),
        ("Frankfurt", "adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com"),
        ("SiliconValley", "adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com"),
        ("Jakarta", "adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com"),
        // Only older pages list Mumbai; kept so that apps created there still connect.
        ("Mumbai", "adminapiind.im.qcloud.com", null),
        // Listed by the 2025-26 pages; its backup domain follows the others' pattern but is not confirmed by them.
        ("Riyadh", "adminapiksa.im.qcloud.com", "adminapiksa.my-imcloud.com"),
    };

    /// <summary>The region used when none is given.</summary>
    public const string DefaultRegion = "China";

    /// <summary>Every region name, in the documented order.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(r => r.Name).ToArray();

    /// <summary>The HTTPS base URI of a region, or of its backup domain (for DNS trouble).</summary>
    /// <exception cref="ArgumentException">The name is not a known region.</exception>
    public static Uri BaseUri(string region, bool backup = false)
    {
        var canonical = Canonical(region);
        var row = Table.First(r => r.Name == canonical);
        var domain = backup ? row.Backup ?? throw new ArgumentException($"The region '{canonical}' has no backup domain.", nameof(backup)) : row.Domain;
        return new Uri("https://" + domain + "/");
    }

    /// <summary>The canonical spelling of a region name; spaces, hyphens and case are ignored ("silicon valley" is SiliconValley).</summary>
    /// <exception cref="ArgumentException">The name is not a known region.</exception>
    public static string Canonical(string region)
    {
        var key = new string((region ?? "").Where(char.IsLetter).ToArray());
        foreach (var row in Table)
        {
            if (string.Equals(row.Name, key, StringComparison.OrdinalIgnoreCase))
            {
                return row.Name;
            }
        }
        throw new ArgumentException($"'{region}' is not a Tencent Cloud IM region. Use one of: {string.Join(", ", Names)}; or give a whole base URI.", nameof(region));
    }

    /// <summary>The region whose primary or backup domain is the host of <paramref name="uri"/>, if any.</summary>
    public static string? RegionOf(Uri uri)
    {
        foreach (var row in Table)
        {
            if (string.Equals(uri.Host, row.Domain, StringComparison.OrdinalIgnoreCase) || string.Equals(uri.Host, row.Backup, StringComparison.OrdinalIgnoreCase))
            {
                return row.Name;
            }
        }
        return null;
    }
}
