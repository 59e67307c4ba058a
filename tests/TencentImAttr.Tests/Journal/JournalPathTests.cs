using System;
using System.IO;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;
using Xunit;

namespace TencentImAttr.Tests.Journal;

/// <summary>Where a journal goes: a folder that does not exist is JournalPathInvalid naming it, before any file is made.</summary>
public sealed class JournalPathTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "impath-" + Guid.NewGuid().ToString("N"));

    public JournalPathTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly DateTimeOffset Now = new(2026, 12, 6, 18, 48, 25, 123, TimeSpan.Zero);

    [Theory]
    [InlineData("nodir/", "nodir")]
    [InlineData("nodir/run.jsonl", "nodir")]
    [InlineData("nodir/deeper/run.jsonl", "nodir/deeper")]
    public void APathWhoseFolderDoesNotExist_IsJournalPathInvalid_NamingTheFolder(string relative, string folder)
    {
        var given = Path.Combine(_folder, relative.Replace('/', Path.DirectorySeparatorChar));
        var e = Assert.Throws<ImInputException>(() => JournalFile.Resolve(given, "Set-ImUserAttribute", Now));
        Assert.Equal(ErrorIds.JournalPathInvalid, e.ErrorId);
        Assert.Equal(ImErrorCategory.ObjectNotFound, e.Category);
        var missing = Path.Combine(_folder, folder.Replace('/', Path.DirectorySeparatorChar));
        Assert.Contains($"The folder '{missing}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "nodir")));
    }

    [Fact]
    public void AFileInAnExistingFolder_AndAnExistingFolder_Resolve()
    {
        var file = Path.Combine(_folder, "run.jsonl");
        Assert.Equal(file, JournalFile.Resolve(file, "Set-ImUserAttribute", Now));
        Assert.Equal(Path.Combine(_folder, "Set-ImUserAttribute-20261206T184825123Z.jsonl"), JournalFile.Resolve(_folder + Path.DirectorySeparatorChar, "Set-ImUserAttribute", Now));
    }
}
