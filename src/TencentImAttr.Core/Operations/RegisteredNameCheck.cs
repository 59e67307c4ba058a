using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using TencentImAttr.Core.Api;
using TencentImAttr.Core.Bulk;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;
using TencentImAttr.Models;

namespace TencentImAttr.Core.Operations;

/// <summary>
/// Refuses an attribute name the app does not register before anything carrying it is sent: a typo'd or wrong-case
/// header would otherwise fail (or, under -Replace, mis-sync) every user. The app's names are read once per command
/// (im_get_attr_name), at the first item that names an attribute, and each name the input gives is looked up once:
/// after that a name already seen costs one set lookup per item. The error names the name, the registered name it
/// most likely meant and how to leave a column out. Error 90033 still narrows what this cannot see (a name changed on
/// the server during the run). An answer with no names at all stops the run too (ImMalformedResponse).
/// </summary>
internal sealed class RegisteredNameCheck
{
    /// <summary>How many single-character edits (case aside) still make a registered name "the one meant".</summary>
    public const int MaxEditsSuggested = 2;

    private readonly ImConnection _connection;
    private readonly object _lock = new();
    // Only the pipeline thread looks names up: no lock needed for these two.
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private IReadOnlyList<string>? _registered;
    private Task<IReadOnlyList<AppAttributeName>>? _names;

    /// <summary>A check of the names of <paramref name="connection"/>'s app.</summary>
    public RegisteredNameCheck(ImConnection connection) => _connection = connection;

    /// <summary>The app's names, read once per command (a failed read is tried again by the next caller); a -Replace sync compares with the same list.</summary>
    public Task<IReadOnlyList<AppAttributeName>> ReadAsync(ICallLog? log, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_names is null || _names.IsFaulted || _names.IsCanceled) _names = ReadSomeAsync(log, cancellationToken);
            return _names;
        }
    }

    private async Task<IReadOnlyList<AppAttributeName>> ReadSomeAsync(ICallLog? log, CancellationToken cancellationToken)
    {
        var names = await AppAttributeNames.GetAsync(_connection, log, cancellationToken).ConfigureAwait(false);
        return names.Count > 0 ? names : throw NoNames();
    }

    /// <summary>
    /// An answer without names: every name the input gives would be "not registered", and a -Replace sync (which
    /// removes only registered names) would find nothing to remove and report every user done (and verified). Either
    /// way every user would fail alike, so it stops the run with one error before anything is written.
    /// </summary>
    private ImApiException NoNames()
    {
        var api = ImApiRoutes.ApiName(_connection.Service, ImOperation.GetAttributeNames);
        return new ImApiException(api, ImFailureKind.MalformedResponse, 0, null, 200,
            $"{api} answered with no attribute names, so the command cannot tell which of the input's names the app registers (nor, under -Replace, which of a user's attributes it manages), and nothing was written. If the app really has none, register them first (Set-ImAppAttributeName); otherwise run the command again.")
        {
            StopsRun = true,
        };
    }

    /// <summary>
    /// On the pipeline thread, before the item is queued: null when every name that <paramref name="item"/> gives is
    /// registered; else the failure that stops the run (an unregistered name, or the failed read of the names).
    /// </summary>
    public ItemFailure? Check(SetItem item, ICallLog? log, CancellationToken cancellationToken)
    {
        // Typed loops, not item.NamesGiven(): this runs per user, and an iterator would allocate per user.
        foreach (var name in item.Attributes.Keys)
        {
            if (Unknown(name, item.UserId, log, cancellationToken) is { } failure) return failure;
        }
        if (item.Removes.Count > 0)
        {
            foreach (var name in item.Removes)
            {
                if (Unknown(name, item.UserId, log, cancellationToken) is { } failure) return failure;
            }
        }
        for (var k = 0; k < (item.Skipped?.Count ?? 0); k++)
        {
            if (Unknown(item.Skipped![k], item.UserId, log, cancellationToken) is { } failure) return failure;
        }
        return null;
    }

    /// <summary>The same for the names <paramref name="user"/>'s item gives (the names to remove).</summary>
    public ItemFailure? Check(IReadOnlyList<string> names, string user, ICallLog? log, CancellationToken cancellationToken)
    {
        for (var k = 0; k < names.Count; k++)
        {
            if (Unknown(names[k], user, log, cancellationToken) is { } failure) return failure;
        }
        return null;
    }

    private ItemFailure? Unknown(string name, string user, ICallLog? log, CancellationToken cancellationToken)
    {
        if (_known.Contains(name)) return null;
        if (_registered is null)
        {
            try
            {
                _registered = ReadAsync(log, cancellationToken).GetAwaiter().GetResult().Select(n => n.Name).ToList();
            }
            catch (ImApiException e)
            {
                return ItemFailure.FromApi(e, user);
            }
        }
        if (!_registered.Contains(name, StringComparer.Ordinal)) return ItemFailure.FromInput(NotRegistered(name, _registered, user));
        _known.Add(name);
        return null;
    }

    /// <summary>The error for <paramref name="name"/>, which <paramref name="registered"/> does not hold.</summary>
    public static ImInputException NotRegistered(string name, IReadOnlyList<string> registered, object? target)
    {
        var shown = MessageText.Quote(name);
        var meant = LikelyMeant(name, registered);
        var guess = meant is null ? ""
            : string.Equals(meant, name, StringComparison.OrdinalIgnoreCase) ? $" It differs only in case from the registered '{MessageText.Quote(meant)}' (names are case-sensitive): did you mean '{MessageText.Quote(meant)}'?"
            : $" Did you mean '{MessageText.Quote(meant)}'?";
        var list = registered.Count == 0 ? "the app registers no names yet" : "registered: " + string.Join(", ", registered.Select(MessageText.Quote));
        return new ImInputException(ErrorIds.AttributeNameNotRegistered,
            $"The attribute name '{shown}' (a column, key or property of the input) is not registered in the app ({list}).{guess} The command stopped before sending anything that carries it. " +
            $"Correct the name, register it first (Set-ImAppAttributeName), or leave the column out: ... | Select-Object -Property * -ExcludeProperty '{shown}' | Set-ImUserAttribute.",
            target, ImErrorCategory.InvalidData);
    }

    /// <summary>The registered name <paramref name="name"/> most likely meant: the same but for case, else the nearest within <see cref="MaxEditsSuggested"/> edits; null when none is near.</summary>
    public static string? LikelyMeant(string name, IReadOnlyList<string> registered)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in registered)
        {
            var distance = Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return bestDistance <= Math.Min(MaxEditsSuggested, Math.Max(1, name.Length / 2)) ? best : null;
    }

    /// <summary>Edits (insert, delete, replace, swap two neighbours) from <paramref name="a"/> to <paramref name="b"/>: "Ctiy" is one swap from "City".</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
