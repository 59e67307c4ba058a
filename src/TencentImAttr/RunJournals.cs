using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using TencentImAttr.Core.Connection;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Journal;

namespace TencentImAttr;

/// <summary>Opens a command's run journal (-JournalPath): its file, its header from the command's own parameters, and the errors of both.</summary>
internal static class RunJournals
{
    /// <summary>Parameters that say nothing of what the run changes: the input, the journal itself, and PowerShell's common parameters.</summary>
    private static readonly HashSet<string> NotShaping = new(StringComparer.OrdinalIgnoreCase)
    {
        "JournalPath", "Resume", "InputObject", "UserId", "Connection", "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction",
        "ErrorVariable", "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf",
    };

    /// <summary>Words of a parameter name that may carry a secret: such a parameter is never written, whatever its value.</summary>
    private static readonly string[] SecretWords = { "key", "sig", "secret", "password", "credential", "token" };

    /// <summary>
    /// Creates the journal of <paramref name="cmdlet"/>'s run over <paramref name="connection"/> at
    /// <paramref name="pathOrFolder"/>; a terminating error (JournalExists, or the file's own) when it cannot.
    /// </summary>
    public static RunJournal Open(PSCmdlet cmdlet, ImConnection connection, string pathOrFolder) => Open(cmdlet, connection, pathOrFolder, resume: false, out _);

    /// <summary>
    /// The same; with <paramref name="resume"/> (-Resume), the existing journal is read into <paramref name="index"/>
    /// (JournalMismatch when it is of another command, app or parameters) and this run appends to it.
    /// </summary>
    public static RunJournal Open(PSCmdlet cmdlet, ImConnection connection, string pathOrFolder, bool resume, out ResumeIndex? index)
    {
        index = null;
        var command = cmdlet.MyInvocation.MyCommand.Name;
        var started = DateTimeOffset.UtcNow;
        var resolved = FileSystemPath(cmdlet, pathOrFolder, "JournalPath");
        string path;
        try
        {
            path = JournalFile.Resolve(resolved, command, started);
            var header = new JournalHeader
            {
                Command = command,
                AppId = connection.SdkAppId,
                Identifier = connection.Identifier,
                Endpoint = connection.BaseUri.GetLeftPart(UriPartial.Path),
                Service = connection.Service.ToString(),
                Parameters = Shaping(cmdlet.MyInvocation.BoundParameters),
                Started = started,
            };
            if (!resume) return RunJournal.Create(path, header);
            if (!File.Exists(path))
            {
                var what = Directory.Exists(resolved) ? "is a folder, which names no run" : "does not exist";
                var missing = new PSArgumentException($"-Resume needs the journal of the interrupted run, a file: '{Core.Text.MessageText.Escape(resolved)}' {what}. Give the file its run wrote (Get-ChildItem *.jsonl lists them).");
                cmdlet.ThrowTerminatingError(new ErrorRecord(missing, ErrorIds.ResumeNeedsJournal, ErrorCategory.ObjectNotFound, pathOrFolder));
            }
            JournalFile.RefuseInUse(path, "-Resume");
            index = ResumeIndex.Load(path, header);
            return RunJournal.Resume(path, header, index.LastCall);
        }
        catch (ImInputException e)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, e.ErrorId switch
            {
                ErrorIds.JournalExists => ErrorCategory.ResourceExists,
                ErrorIds.JournalInUse => ErrorCategory.ResourceBusy,
                ErrorIds.JournalPathInvalid => ErrorCategory.ObjectNotFound,
                _ => ErrorCategory.InvalidData,
            }, pathOrFolder));
            throw;
        }
        catch (ImApiException e)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.WriteError, pathOrFolder));
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException or NotSupportedException or ArgumentException or ItemNotFoundException or System.Management.Automation.DriveNotFoundException)
        {
            var error = new IOException($"The journal '{pathOrFolder}' could not be created: {e.Message} Nothing was sent.", e);
            cmdlet.ThrowTerminatingError(new ErrorRecord(error, ErrorIds.JournalWriteFailed, ErrorCategory.WriteError, pathOrFolder));
            throw;
        }
    }

    /// <summary>
    /// The file path of a journal path given to <paramref name="cmdlet"/>'s <paramref name="parameter"/> (-Path,
    /// -JournalPath): the one place where they are resolved, for Get-ImRunJournal, Undo-ImRun and every -JournalPath.
    /// A relative path is the session's current location, not the process's. A path of another provider (Env:,
    /// Variable:, Function:, a registry drive) or of a drive that does not exist is a terminating
    /// <see cref="ErrorIds.JournalPathInvalid"/> naming it, before anything is read or sent: a journal is a file.
    /// </summary>
    public static string FileSystemPath(PSCmdlet cmdlet, string path, string parameter)
    {
        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or ItemNotFoundException or NotSupportedException or ArgumentException or PSInvalidOperationException)
        {
            throw NotFileSystem(cmdlet, path, parameter, Core.Text.MessageText.Sentence(e.Message));
        }
        if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
        {
            throw NotFileSystem(cmdlet, path, parameter, $"It is on a drive of the {provider.Name} provider.");
        }
        return resolved;
    }

    /// <summary>
    /// The file of a journal to read (-Path of Get-ImRunJournal and Undo-ImRun): <see cref="FileSystemPath"/>, and a
    /// terminating <see cref="ErrorIds.JournalPathInvalid"/> naming it when no such file is there (a folder, a typo).
    /// </summary>
    public static string ExistingJournal(PSCmdlet cmdlet, string path, string parameter)
    {
        var resolved = FileSystemPath(cmdlet, path, parameter);
        if (File.Exists(resolved)) return resolved;
        var what = Directory.Exists(resolved) ? "is a folder, not a journal file" : "does not exist";
        var error = new ImInputException(ErrorIds.JournalPathInvalid,
            $"The journal '{Core.Text.MessageText.Escape(resolved)}' (-{parameter}) {what}. Give the file a run wrote with -JournalPath (Get-ChildItem *.jsonl lists them). Nothing was read or sent.", path);
        cmdlet.ThrowTerminatingError(new ErrorRecord(error, error.ErrorId, ErrorCategory.ObjectNotFound, path));
        return resolved;
    }

    private static ImInputException NotFileSystem(PSCmdlet cmdlet, string path, string parameter, string why)
    {
        var error = new ImInputException(ErrorIds.JournalPathInvalid,
            $"The journal path '{Core.Text.MessageText.Escape(path)}' (-{parameter}) is not a file-system path: a journal is a file. {why} Give a file or folder path (./run.jsonl, a full path). Nothing was read or sent.", path);
        cmdlet.ThrowTerminatingError(new ErrorRecord(error, error.ErrorId, ErrorCategory.InvalidArgument, path));
        return error;
    }

    /// <summary>The switches and scalars given, as text (invariant), without the input, the journal, common parameters or anything named like a secret.</summary>
    internal static Dictionary<string, string> Shaping(IDictionary<string, object> bound)
    {
        var shaping = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in bound)
        {
            if (NotShaping.Contains(pair.Key) || IsSecretName(pair.Key)) continue;
            var value = pair.Value is PSObject wrapped ? wrapped.BaseObject : pair.Value;
            var text = value switch
            {
                SwitchParameter s => s.IsPresent ? "True" : "False",
                bool b => b ? "True" : "False",
                string s => s,
                Enum e => e.ToString(),
                IFormattable f when value is int or long or short or byte or double or float or decimal or uint or ulong => f.ToString(null, CultureInfo.InvariantCulture),
                _ => null,
            };
            if (text is not null) shaping[pair.Key] = text;
        }
        return shaping;
    }

    private static bool IsSecretName(string name)
    {
        foreach (var word in SecretWords)
        {
            if (name.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0) return true;
        }
        return false;
    }
}
