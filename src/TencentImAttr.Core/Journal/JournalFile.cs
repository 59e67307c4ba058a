using System;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Core.Journal;

/// <summary>
/// Where a run journal lives and how its file is opened: a folder gets a new file named for the command and the
/// time; a new file is created owner-only from the start; an existing one is never overwritten.
/// </summary>
internal static class JournalFile
{
    /// <summary>The extension of a journal named for its command (JSON lines).</summary>
    public const string Extension = ".jsonl";

    /// <summary>Owner read and write (0600): what the file is created with on Linux and macOS.</summary>
    private const int OwnerReadWrite = 0x180;

    /// <summary>
    /// The journal's file: <paramref name="pathOrFolder"/> itself, or, when it is an existing folder, a new file in it
    /// named for <paramref name="command"/> and <paramref name="now"/> (UTC, to the millisecond).
    /// </summary>
    /// <remarks>
    /// A folder that does not exist (a path ending in a separator, or a file's folder) is
    /// <see cref="ErrorIds.JournalPathInvalid"/>, naming that folder: no folder is made (a typo would scatter
    /// journals), and the open call's own error would only say "access denied" or "could not find a part of the path".
    /// </remarks>
    public static string Resolve(string pathOrFolder, string command, DateTimeOffset now)
    {
        var full = Path.GetFullPath(pathOrFolder);
        if (Directory.Exists(full)) return Path.Combine(full, command + "-" + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + Extension);
        var trimmed = full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        // "runs/" names a folder even when it is missing; "runs/run.jsonl" needs "runs".
        var folder = trimmed.Length < full.Length ? trimmed : Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder)) throw MissingFolder(pathOrFolder, folder!);
        return full;
    }

    /// <summary>The error of a journal path whose folder does not exist.</summary>
    private static ImInputException MissingFolder(string given, string folder) =>
        new(ErrorIds.JournalPathInvalid, $"The folder '{MessageText.Escape(folder)}' of the journal path '{MessageText.Escape(given)}' does not exist: create it first, or give an existing folder or a file in one. Nothing was read or sent.", given, ImErrorCategory.ObjectNotFound);

    /// <summary>
    /// Creates the journal's file, owner-only from the start, and fails with <see cref="ErrorIds.JournalExists"/> when
    /// it exists (never overwritten or appended to silently). Others may read it while it is written (Get-ImRunJournal).
    /// </summary>
    public static FileStream CreateNew(string path)
    {
        if (File.Exists(path) || Directory.Exists(path)) throw Exists(path);
        try
        {
            return RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                ? OwnerOnlyWindowsFile.Create(path)
                : CreateOwnerOnlyOnUnix(path);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created by someone else between the look and the create.
            throw Exists(path);
        }
    }

    /// <summary>
    /// Opens an existing journal to append to it, after cutting off a torn last line (a process killed mid-write):
    /// what follows then starts on a line of its own, and the torn record, never flushed whole, is not kept.
    /// </summary>
    public static FileStream OpenForAppend(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.None);
        try
        {
            CutTornLine(file);
            file.Seek(0, SeekOrigin.End);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Cuts the file after its last newline; returns how many bytes were cut (0 when it ends whole).</summary>
    internal static long CutTornLine(Stream file)
    {
        var length = file.Length;
        if (length == 0) return 0;
        var buffer = new byte[4096];
        var end = length;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            var count = (int)(end - start);
            file.Seek(start, SeekOrigin.Begin);
            var read = 0;
            while (read < count)
            {
                var n = file.Read(buffer, read, count - read);
                if (n == 0) throw new EndOfStreamException();
                read += n;
            }
            for (var i = count - 1; i >= 0; i--)
            {
                if (buffer[i] != (byte)'\n') continue;
                var keep = start + i + 1;
                if (keep == length) return 0;
                file.SetLength(keep);
                return length - keep;
            }
            end = start;
        }
        // No newline at all: not even the header was written whole.
        file.SetLength(0);
        return length;
    }

    /// <summary>
    /// Fails with <see cref="ErrorIds.JournalInUse"/> when another process has the journal open (a run still writing
    /// it), before <paramref name="what"/> (Undo-ImRun, -Resume) reads or sends anything. Writers open the file shared
    /// for reading only: on Linux and macOS .NET takes a shared flock for it, on Windows a share mode; an exclusive
    /// open fails against either, while a killed process's lock goes with it. The probe is closed at once (an open
    /// of this process would conflict with it too), so a writer that starts in the moment between is not seen.
    /// </summary>
    public static void RefuseInUse(string path, string what)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException e) when (IsSharingViolation(e))
        {
            throw new ImInputException(ErrorIds.JournalInUse, $"The journal '{MessageText.Escape(path)}' is in use by another process (a run still writing it, or a reader): {what} needs the run to have ended. Nothing was read or sent; try again when that process has ended.", path);
        }
    }

    /// <summary>Windows: ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION; Linux and macOS: the flock's EWOULDBLOCK (11, 35), which .NET puts in HResult.</summary>
    private static bool IsSharingViolation(IOException e) =>
        e is not FileNotFoundException and not DirectoryNotFoundException
        && (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? (e.HResult & 0xFFFF) is 32 or 33
            : e.HResult is 11 or 35);

    /// <summary>The error of a journal that exists already.</summary>
    public static ImInputException Exists(string path) =>
        new(ErrorIds.JournalExists, $"The journal '{MessageText.Escape(path)}' exists already: a journal is never overwritten or appended to by another run. Give a new file, or a folder (a new file named for the command and the time is made in it).", path);

    /// <summary>
    /// Linux and macOS: the file is created with mode 0600 by the open call itself (FileStreamOptions.UnixCreateMode,
    /// .NET 7 and later: every PowerShell that runs there), not changed after, so no other user ever reads it.
    /// Found by reflection because this assembly targets netstandard2.0.
    /// </summary>
    private static FileStream CreateOwnerOnlyOnUnix(string path)
    {
        var optionsType = typeof(FileStream).Assembly.GetType("System.IO.FileStreamOptions", throwOnError: false);
        var ctor = optionsType is null ? null : typeof(FileStream).GetConstructor(new[] { typeof(string), optionsType });
        var createMode = optionsType?.GetProperty("UnixCreateMode");
        if (optionsType is null || ctor is null || createMode is null)
        {
            throw new PlatformNotSupportedException("This .NET cannot create a file owner-only from the start (FileStreamOptions.UnixCreateMode needs .NET 7 or later), so no journal is written: it would hold user data readable by others.");
        }
        var options = Activator.CreateInstance(optionsType)!;
        optionsType.GetProperty("Mode")!.SetValue(options, FileMode.CreateNew);
        optionsType.GetProperty("Access")!.SetValue(options, FileAccess.Write);
        optionsType.GetProperty("Share")!.SetValue(options, FileShare.Read);
        var modeType = Nullable.GetUnderlyingType(createMode.PropertyType) ?? createMode.PropertyType;
        createMode.SetValue(options, Enum.ToObject(modeType, OwnerReadWrite));
        try
        {
            return (FileStream)ctor.Invoke(new[] { path, options });
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfoThrow(e.InnerException);
            throw;
        }
    }

    private static void ExceptionDispatchInfoThrow(Exception e) => System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
}
