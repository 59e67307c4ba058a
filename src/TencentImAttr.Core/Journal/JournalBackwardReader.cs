using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace TencentImAttr.Core.Journal;

/// <summary>
/// Reads a run journal from its last line to its first, the way a database rolls back its log, for Undo-ImRun: first
/// the header on line 1 (so that the run is checked before anything else is read), then every line from the end,
/// each parsed by <see cref="JournalLineParser"/> (the same rules as <see cref="JournalReader"/>), giving the items in
/// the reverse order of their intent lines, each joined with its outcome, a resumed run's header where it stands, and
/// rejected and declined records. Going backwards, an outcome is met before its intent: it waits in a table until
/// the intent comes (the outcomes of the calls the run had in flight at that point, never the file); an intent with
/// no outcome after it is Unrecorded (its process ended), as the forward reader says. A torn last line is skipped and
/// reported through <c>torn</c>. Memory: a block of the file, the longest line, and the waiting outcomes.
/// </summary>
internal static class JournalBackwardReader
{
    /// <summary>Bytes read from the file at a time.</summary>
    public const int BlockSize = 64 * 1024;

    private static readonly UTF8Encoding Strict = new(false, true);

    /// <summary>Reads <paramref name="path"/> backwards; <paramref name="torn"/> is told the number of a torn last line it skipped.</summary>
    public static IEnumerable<object> Read(string path, Action<long>? torn = null)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.RandomAccess);
        var lines = new BackwardLines(file, path);
        if (lines.Count == 0) yield break;
        if (!JournalLineParser.TryParse(path, 1, lines.First(), mayBeTorn: false, out var first)) yield break;
        yield return first.Header!;

        var waiting = new Dictionary<(long Call, string User), JournalOutcomeLine>();
        // The intents of the call being read (a call's intents are written together): a user twice in it is an error.
        long currentCall = -1;
        var callUsers = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var number = lines.Count; number > 1; number--)
        {
            var text = lines.Previous(number);
            if (!JournalLineParser.TryParse(path, number, text, mayBeTorn: number == lines.Count, out var line))
            {
                torn?.Invoke(number);
                continue;
            }
            switch (line.Type)
            {
                case JournalRecordTypes.Header:
                    // The part of the file before a resumed run's header is another run's: an outcome after the
                    // header has no intent there, as the forward reader says.
                    RefuseWaiting(path, waiting);
                    currentCall = -1;
                    callUsers.Clear();
                    yield return line.Header!;
                    break;
                case JournalRecordTypes.Outcome:
                    var outcome = line.Outcome!;
                    var key = (outcome.Call, outcome.User);
                    if (waiting.TryGetValue(key, out var later)) throw JournalLineParser.OutcomeWithoutIntent(path, later);
                    waiting.Add(key, outcome);
                    if (outcome.Call == currentCall) callUsers.Remove(outcome.User);
                    break;
                case JournalRecordTypes.Intent:
                    var item = line.Record!;
                    var intentKey = JournalLineParser.KeyOf(item);
                    if (intentKey.Call != currentCall)
                    {
                        currentCall = intentKey.Call;
                        callUsers.Clear();
                    }
                    if (callUsers.TryGetValue(intentKey.User, out var secondLine)) throw JournalLineParser.SecondIntent(path, secondLine, intentKey.Call, intentKey.User);
                    callUsers.Add(intentKey.User, item.Line);
                    if (waiting.TryGetValue(intentKey, out var its))
                    {
                        waiting.Remove(intentKey);
                        its.ApplyTo(item);
                    }
                    else
                    {
                        item.Outcome = "Unrecorded";
                    }
                    yield return item;
                    break;
                default:
                    yield return line.Record!;
                    break;
            }
        }
        RefuseWaiting(path, waiting);
    }

    private static void RefuseWaiting(string path, Dictionary<(long Call, string User), JournalOutcomeLine> waiting)
    {
        if (waiting.Count > 0) throw JournalLineParser.OutcomeWithoutIntent(path, waiting.Values.OrderBy(o => o.Line).First());
    }

    /// <summary>
    /// The lines of a file, last first, as StreamReader.ReadLine splits them (at \n, \r or \r\n; a terminator at the
    /// very end ends the last line), read a block at a time from the end into one buffer that grows only to the
    /// longest line plus a block.
    /// </summary>
    private sealed class BackwardLines
    {
        private readonly FileStream _file;
        private readonly string _path;
        private byte[] _buffer = new byte[BlockSize * 2];
        // The unread part of the file is [0, _end); the buffer holds [_start, _end) at _buffer[_offset..].
        private long _start;
        private long _end;
        private int _offset;

        public BackwardLines(FileStream file, string path)
        {
            _file = file;
            _path = path;
            // The file as counted: a line appended meanwhile (only by a process that ignored JournalInUse) is not read.
            var (count, length, endsWithTerminator) = CountLines(file);
            Count = count;
            _end = length;
            if (endsWithTerminator)
            {
                _end -= Last(file, length, 2) == "\r\n" ? 2 : 1;
            }
            _start = _end;
            _offset = _buffer.Length;
        }

        /// <summary>The number of lines.</summary>
        public long Count { get; }

        /// <summary>Line 1, read from the start of the file.</summary>
        public string First()
        {
            var block = new byte[BlockSize];
            using var line = new MemoryStream();
            _file.Position = 0;
            int read;
            while ((read = _file.Read(block, 0, block.Length)) > 0)
            {
                var stop = Array.FindIndex(block, 0, read, b => b is (byte)'\n' or (byte)'\r');
                line.Write(block, 0, stop < 0 ? read : stop);
                if (stop >= 0) break;
            }
            return Decode(line.GetBuffer(), 0, (int)line.Length, 1);
        }

        /// <summary>Line <paramref name="number"/>, the one before the line last given (from the end: <see cref="Count"/> first).</summary>
        public string Previous(long number)
        {
            while (true)
            {
                var at = LastTerminator();
                if (at < 0 && _start > 0)
                {
                    Load();
                    continue;
                }
                // A \n right after the region's first byte may be half of a \r\n: load the byte before it first.
                if (at == _start && _start > 0 && _buffer[Index(at)] == (byte)'\n')
                {
                    Load();
                    continue;
                }
                var from = at + 1;
                var text = Decode(_buffer, Index(from), (int)(_end - from), number);
                if (at < 0)
                {
                    _end = 0;
                }
                else
                {
                    _end = _buffer[Index(at)] == (byte)'\n' && at > _start && _buffer[Index(at - 1)] == (byte)'\r' ? at - 1 : at;
                }
                return text;
            }
        }

        private int Index(long position) => _offset + (int)(position - _start);

        /// <summary>The file position of the last \n or \r in the buffered region, or -1.</summary>
        private long LastTerminator()
        {
            for (var i = Index(_end) - 1; i >= _offset; i--)
            {
                if (_buffer[i] is (byte)'\n' or (byte)'\r') return _start + (i - _offset);
            }
            return -1;
        }

        /// <summary>Reads the block before the buffered region, growing the buffer when a line is longer than it holds.</summary>
        private void Load()
        {
            var length = (int)(_end - _start);
            var take = (int)Math.Min(BlockSize, _start);
            if (_offset < take)
            {
                var grown = length + take > _buffer.Length ? new byte[Math.Max(_buffer.Length * 2, length + take)] : _buffer;
                Buffer.BlockCopy(_buffer, _offset, grown, grown.Length - length, length);
                _buffer = grown;
                _offset = grown.Length - length;
            }
            _offset -= take;
            _start -= take;
            _file.Position = _start;
            var done = 0;
            while (done < take)
            {
                var read = _file.Read(_buffer, _offset + done, take - done);
                if (read == 0) throw new EndOfStreamException($"The journal '{_path}' became shorter while it was read.");
                done += read;
            }
        }

        private string Decode(byte[] bytes, int index, int count, long number)
        {
            // A byte order mark (a journal saved again by an editor or Windows PowerShell 5.1's -Encoding UTF8) is not
            // part of line 1, as the forward reader's StreamReader takes it off too.
            if (number == 1 && count >= 3 && bytes[index] == 0xEF && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF)
            {
                index += 3;
                count -= 3;
            }
            try
            {
                return Strict.GetString(bytes, index, count);
            }
            catch (DecoderFallbackException)
            {
                throw JournalLineParser.Invalid(_path, number, "it is not UTF-8 text");
            }
        }

        private static string Last(FileStream file, long length, int count)
        {
            var take = (int)Math.Min(count, length);
            var bytes = new byte[take];
            file.Position = length - take;
            var done = 0;
            while (done < take) done += file.Read(bytes, done, take - done);
            return Encoding.ASCII.GetString(bytes);
        }

        /// <summary>The number of lines as ReadLine counts them, the bytes counted, and whether they end with a terminator.</summary>
        private static (long Count, long Length, bool EndsWithTerminator) CountLines(FileStream file)
        {
            long length = 0;
            var block = new byte[BlockSize];
            long terminators = 0;
            var previousWasReturn = false;
            var last = (byte)0;
            file.Position = 0;
            int read;
            while ((read = file.Read(block, 0, block.Length)) > 0)
            {
                for (var i = 0; i < read; i++)
                {
                    var b = block[i];
                    if (b == (byte)'\r' || (b == (byte)'\n' && !previousWasReturn)) terminators++;
                    previousWasReturn = b == (byte)'\r';
                }
                last = block[read - 1];
                length += read;
            }
            var endsWithTerminator = last is (byte)'\n' or (byte)'\r';
            return (terminators + (length > 0 && !endsWithTerminator ? 1 : 0), length, endsWithTerminator);
        }
    }
}
