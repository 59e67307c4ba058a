using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using TencentImAttr.Core.Errors;
using TencentImAttr.Core.Text;

namespace TencentImAttr.Core.Journal;

/// <summary>What a journal's header says of its run: everything but the users (see docs/journal.md).</summary>
internal sealed class JournalHeader
{
    /// <summary>The command that ran, e.g. Set-ImUserAttribute.</summary>
    public string Command { get; set; } = "";

    /// <summary>The app.</summary>
    public long AppId { get; set; }

    /// <summary>The administrator account the run called as (not a secret).</summary>
    public string Identifier { get; set; } = "";

    /// <summary>The endpoint's base address.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>The API family (Standard or Push).</summary>
    public string Service { get; set; } = "";

    /// <summary>The parameters that shaped the run (switches and scalars, never a secret), as text.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; set; } = new Dictionary<string, string>();

    /// <summary>The module's version.</summary>
    public string ModuleVersion { get; set; } = typeof(JournalHeader).Assembly.GetName().Version?.ToString(3) ?? "";

    /// <summary>When the run started.</summary>
    public DateTimeOffset Started { get; set; }
}

/// <summary>
/// A run's journal as it is written: a header line, then records that a call's <see cref="JournalLines"/> gather,
/// appended whole under one lock, so that the records of concurrent calls never interleave within a line. Intent
/// records are flushed to the disk before their call is sent; outcome records to the operating system (a killed
/// process loses nothing the system holds). The first failure to write (a full disk) breaks the journal: every
/// later write fails at once with <see cref="ErrorIds.JournalWriteFailed"/>, which stops the run as a broken
/// connection does, so that nothing is sent that the journal does not hold.
/// </summary>
internal sealed class RunJournal : IDisposable
{
    /// <summary>The format's name, the header's first property.</summary>
    public const string FormatName = "TencentImAttr.RunJournal";

    /// <summary>The format's version; a reader refuses a newer one.</summary>
    public const int FormatVersion = 1;

    private readonly Stream _file;
    private readonly object _gate = new();
    private long _nextPosition;
    private long _calls;
    private ImApiException? _failure;

    /// <summary>Writes to <paramref name="file"/>, known to the user as <paramref name="path"/>.</summary>
    public RunJournal(Stream file, string path)
    {
        _file = file;
        Path = path;
    }

    /// <summary>The journal's file.</summary>
    public string Path { get; }

    /// <summary>The first failure to write, or null: a run whose journal broke after its last call reports it at the end.</summary>
    public ImApiException? Failure
    {
        get { lock (_gate) return _failure; }
    }

    /// <summary>Creates the file at <paramref name="path"/> (owner-only, never over an existing one) and writes the header, flushed to disk.</summary>
    public static RunJournal Create(string path, JournalHeader header) =>
        WithHeader(new RunJournal(JournalFile.CreateNew(path), path), header);

    /// <summary>
    /// -Resume: opens the existing journal at <paramref name="path"/> to append to it (a torn last line cut off first),
    /// numbering calls after <paramref name="lastCall"/>, and appends this run's header, flushed to disk.
    /// </summary>
    public static RunJournal Resume(string path, JournalHeader header, long lastCall) =>
        WithHeader(new RunJournal(JournalFile.OpenForAppend(path), path) { _calls = lastCall }, header);

    /// <summary>Writes <paramref name="header"/> to the journal just opened; a journal whose header could not be written is closed.</summary>
    private static RunJournal WithHeader(RunJournal journal, JournalHeader header)
    {
        try
        {
            journal.WriteHeader(header);
            return journal;
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>Writes a header line (the first line of the file; a resumed run's, appended), flushed to disk.</summary>
    public void WriteHeader(JournalHeader header)
    {
        using var lines = new JournalLines();
        var w = lines.Start(JournalRecordTypes.Header);
        w.WriteString("format", FormatName);
        w.WriteNumber("version", FormatVersion);
        w.WriteString("command", header.Command);
        w.WriteNumber("appId", header.AppId);
        w.WriteString("identifier", header.Identifier);
        w.WriteString("endpoint", header.Endpoint);
        w.WriteString("service", header.Service);
        w.WriteStartObject("parameters");
        foreach (var p in header.Parameters) w.WriteString(p.Key, p.Value);
        w.WriteEndObject();
        w.WriteString("moduleVersion", header.ModuleVersion);
        w.WriteString("started", header.Started.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        lines.End();
        Write(lines, durable: true);
    }

    /// <summary>The next input position (0-based; every record the command reads takes one, rejected ones too). Any thread (an undo's batches run side by side).</summary>
    public long NextPosition() => Interlocked.Increment(ref _nextPosition) - 1;

    /// <summary>The next call's number, which ties its intent records to its outcome records.</summary>
    public long NextCall() => Interlocked.Increment(ref _calls);

    /// <summary>
    /// Appends <paramref name="lines"/> whole; with <paramref name="durable"/>, flushed to the disk before returning.
    /// Throws the journal's failure (an <see cref="ImApiException"/> the engine takes for a broken connection).
    /// </summary>
    public void Write(JournalLines lines, bool durable)
    {
        lock (_gate)
        {
            if (_failure is not null) throw _failure;
            try
            {
                lines.CopyTo(_file);
                if (durable && _file is FileStream file) file.Flush(flushToDisk: true);
                else _file.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                _failure = new ImApiException("journal", ImFailureKind.Transport, 0, null, null,
                    $"The run journal '{MessageText.Escape(Path)}' could not be written ({MessageText.Escape(e.Message)}); the run stops, since nothing is sent that the journal does not hold. The journal ends with the last call it holds whole.")
                { TransportFault = TransportFault.JournalWrite };
                throw _failure;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            try
            {
                _file.Dispose();
            }
            catch (IOException e)
            {
                _failure ??= new ImApiException("journal", ImFailureKind.Transport, 0, null, null, $"The run journal '{MessageText.Escape(Path)}' could not be closed ({MessageText.Escape(e.Message)}).") { TransportFault = TransportFault.JournalWrite };
            }
        }
    }
}

/// <summary>The record types of the format.</summary>
internal static class JournalRecordTypes
{
    /// <summary>The first line: the run.</summary>
    public const string Header = "header";
    /// <summary>An item about to be sent: what it changes and what the user held before.</summary>
    public const string Intent = "intent";
    /// <summary>What became of an item that was sent (or whose send was stopped).</summary>
    public const string Outcome = "outcome";
    /// <summary>An input item refused before any call (bad input, or a user whose prior could not be read).</summary>
    public const string Rejected = "rejected";
    /// <summary>Items declined at their question (-Confirm "No"): not sent.</summary>
    public const string Declined = "declined";
}

/// <summary>Records gathered for one append: one JSON object per line, UTF-8, non-ASCII escaped.</summary>
internal sealed class JournalLines : IDisposable
{
    private readonly MemoryStream _buffer = new();
    private readonly Utf8JsonWriter _writer;

    /// <summary>An empty set of lines.</summary>
    public JournalLines() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>Whether no line was gathered.</summary>
    public bool IsEmpty => _buffer.Length == 0;

    /// <summary>Starts a record of <paramref name="type"/>; write its properties, then call <see cref="End"/>.</summary>
    public Utf8JsonWriter Start(string type)
    {
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("type", type);
        return _writer;
    }

    /// <summary>Ends the record and its line.</summary>
    public void End()
    {
        _writer.WriteEndObject();
        _writer.Flush();
        _buffer.WriteByte((byte)'\n');
    }

    /// <summary>Writes the lines to <paramref name="target"/>.</summary>
    public void CopyTo(Stream target) => target.Write(_buffer.GetBuffer(), 0, (int)_buffer.Length);

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Dispose();
        _buffer.Dispose();
    }
}
