using System;
using System.Collections.Generic;

namespace TencentImAttr.Core.Api;

/// <summary>The data-centre regions of Tencent Cloud IM and their REST API domains.</summary>
internal static class ImRegions
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
    public static IReadOnlyList<string> Names { get; } = NamesOf(Table);

    /// <summary>The HTTPS base URI of a region, or of its backup domain (for DNS trouble).</summary>
    /// <exception cref="ArgumentException">The name is not a known region.</exception>
    public static Uri BaseUri(string region, bool backup = false)
    {
        var row = Table[IndexOf(region)];
        var domain = backup ? row.Backup ?? throw new ArgumentException($"The region '{row.Name}' has no backup domain.", nameof(backup)) : row.Domain;
        return new Uri("https://" + domain + "/");
    }

    /// <summary>The canonical spelling of a region name; spaces, hyphens and case are ignored ("silicon valley" is SiliconValley).</summary>
    /// <exception cref="ArgumentException">The name is not a known region.</exception>
    public static string Canonical(string region) => Table[IndexOf(region)].Name;

    // Loops rather than LINQ: this runs once per Connect-ImApp, on the way to the first call, and LINQ over the table's
    // value tuples (or a string's chars) is generic code over value types that the runtime compiles for this module
    // alone, at the first use (issue 25, docs/benchmark.md "Import-Module to the first call").
    private static int IndexOf(string region)
    {
        var letters = new System.Text.StringBuilder();
        foreach (var c in region ?? "")
        {
            if (char.IsLetter(c)) letters.Append(c);
        }
        var key = letters.ToString();
        for (var i = 0; i < Table.Length; i++)
        {
            if (string.Equals(Table[i].Name, key, StringComparison.OrdinalIgnoreCase)) return i;
        }
        throw new ArgumentException($"'{region}' is not a Tencent Cloud IM region. Use one of: {string.Join(", ", Names)}; or give a whole base URI.", nameof(region));
    }

    private static string[] NamesOf((string Name, string Domain, string? Backup)[] table)
    {
        var names = new string[table.Length];
        for (var i = 0; i < table.Length; i++) names[i] = table[i].Name;
        return names;
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
