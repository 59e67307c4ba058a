using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TencentImAttr.Core.Errors;
using Xunit;

namespace TencentImAttr.Tests.Errors;

/// <summary>Every error id the module can write is a constant of <see cref="ErrorIds"/>, and the table in docs/errors.md lists exactly those.</summary>
public class ErrorIdCatalogTests
{
    [Fact]
    public void The_error_table_in_docs_lists_exactly_the_catalog()
    {
        // The full table moved from the README to docs/errors.md (issue 24); the README keeps its headline.
        var readme = File.ReadAllText(Path.Combine(ModuleFiles.RepositoryRoot, "docs", "errors.md"));
        var start = readme.IndexOf("| Error id | Meaning |", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/errors.md has no '| Error id | Meaning |' table.");
        var rows = readme[start..].Split('\n').Skip(2).TakeWhile(l => l.StartsWith('|'));
        // The first cell of each row names one or more ids in backquotes; `ImApiError<code>` stands for the prefix.
        var listed = rows.SelectMany(r => Regex.Matches(r.Split('|')[1], "`([A-Za-z][A-Za-z0-9]*)(<[a-z]+>)?`").Select(m => m.Groups[1].Value))
            .OrderBy(i => i, StringComparer.Ordinal).ToArray();
        Assert.Equal(ErrorIds.All.OrderBy(i => i, StringComparer.Ordinal).ToArray(), listed);
    }

    [Fact]
    public void No_error_id_is_written_as_a_literal_outside_the_catalog()
    {
        var src = Path.Combine(ModuleFiles.RepositoryRoot, "src");
        var literal = new Regex("(ImInputException|ErrorRecord|ItemFailure)\\([^;]*?\"[A-Z][A-Za-z]+\"");
        var offenders = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !f.Contains("Emulator", StringComparison.Ordinal))
            // The whole file, not line by line: a call's arguments often run over several lines.
            .SelectMany(f => literal.Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Value.Replace('\n', ' ')}"))
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_catalog_has_no_repeats_and_the_prefixes_are_in_it()
    {
        Assert.Equal(ErrorIds.All.Count, ErrorIds.All.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ErrorIds.Prefixes, p => Assert.Contains(p, ErrorIds.All));
        Assert.Contains(ErrorIds.UnexpectedError, ErrorIds.All);
    }
}
