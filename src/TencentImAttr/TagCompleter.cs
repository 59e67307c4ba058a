using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using TencentImAttr.Core.Connection;

namespace TencentImAttr;

/// <summary>
/// Completes -Tag from the tags this session has already seen on the connection (<see cref="SeenTags"/>): no call is
/// made, since the API cannot list an app's tags. No connection, or no tags seen yet, no suggestions.
/// </summary>
public sealed class TagCompleter : IArgumentCompleter
{
    private static readonly char[] NeedQuotes = { ' ', '\'', '"', ',', ';', '$', '`', '@', '(', ')', '{', '}' };

    /// <summary>The tags seen that start with what was typed.</summary>
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        ImConnection connection;
        try
        {
            connection = fakeBoundParameters?["Connection"] as ImConnection ?? ImSession.Resolve(null, RunspaceScope.Current);
        }
        catch (InvalidOperationException)
        {
            return Array.Empty<CompletionResult>();
        }
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        return SeenTags.Of(connection)
            .Where(t => t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(t => new CompletionResult(t.IndexOfAny(NeedQuotes) >= 0 ? "'" + t.Replace("'", "''") + "'" : t, t, CompletionResultType.ParameterValue, t));
    }
}
