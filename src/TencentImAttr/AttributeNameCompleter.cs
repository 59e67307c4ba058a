using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Operations;

namespace TencentImAttr;

/// <summary>
/// Completes attribute names from the app's registered names, read once per connection and cached on it
/// (Get-/Set-ImAppAttributeName refresh the cache). Completion never fails loudly: no connection, no names.
/// </summary>
public sealed class AttributeNameCompleter : IArgumentCompleter
{
    /// <summary>The registered names that start with what was typed.</summary>
    private static readonly char[] NeedQuotes = { ' ', '\'', '"', ',', ';', '$', '`' };

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = Names(fakeBoundParameters?["Connection"] as ImConnection);
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        return names
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n.IndexOfAny(NeedQuotes) >= 0 ? "'" + n.Replace("'", "''") + "'" : n, n, CompletionResultType.ParameterValue, n));
    }

    internal static IReadOnlyList<string> Names(ImConnection? explicitConnection)
    {
        try
        {
            var connection = ImSession.Resolve(explicitConnection, RunspaceScope.Current);
            if (connection.RegisteredNames is null)
            {
                // Tab completion must stay snappy: a slow service gives no suggestions rather than a hung prompt.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                AppAttributeNames.GetAsync(connection, null, timeout.Token).GetAwaiter().GetResult();
            }
            return connection.RegisteredNames ?? Array.Empty<string>();
        }
        catch (Exception)
        {
            return Array.Empty<string>();
        }
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
        return AttributeNameCompleter.Names(fakeBoundParameters?["Connection"] as ImConnection)
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult("@{ '" + n.Replace("'", "''") + "' = '' }", n, CompletionResultType.ParameterValue, n));
    }
}
