using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using TencentImAttr.Core.Connection;

namespace TencentImAttr;

/// <summary>
/// Completes attribute names from the app's registered names (<see cref="CompletionNameCache"/>: read once per
/// connection, refreshed by Get-/Set-ImAppAttributeName, given up after about a second). No connection, no names.
/// </summary>
public sealed class AttributeNameCompleter : IArgumentCompleter
{
    /// <summary>The registered names that start with what was typed.</summary>
    private static readonly char[] NeedQuotes = { ' ', '\'', '"', ',', ';', '$', '`' };

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = CompletionNameCache.Names(fakeBoundParameters?["Connection"] as ImConnection);
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        return names
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n.IndexOfAny(NeedQuotes) >= 0 ? "'" + n.Replace("'", "''") + "'" : n, n, CompletionResultType.ParameterValue, n));
    }
}

/// <summary>
/// Completes -Attribute with a table skeleton for each registered name (<c>@{ city = '' }</c>): the value is a
/// hashtable, so a bare name would not bind.
/// </summary>
public sealed class AttributeTableCompleter : IArgumentCompleter
{
    /// <summary>One <c>@{ name = '' }</c> per registered name that starts with what was typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").TrimStart('@', '{', ' ').Trim('\'', '"');
        return CompletionNameCache.Names(fakeBoundParameters?["Connection"] as ImConnection)
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult("@{ '" + n.Replace("'", "''") + "' = '' }", n, CompletionResultType.ParameterValue, n));
    }
}
