using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Threading.Channels;
using Persona.Recommend.Feedback;
using Persona.Serving.Hosting;

namespace Persona.Serving.Recommendations;

/// <summary>
/// Every answer, appended as one binary record (<see cref="ImpressionRecord"/>) to <c>impressions.bin</c> in the
/// data directory by a background writer (requests only enqueue), for offline training and audits, and read back
/// at start so that clicks arriving after a restart are still attributed. The file rotates to
/// <c>impressions.1.bin</c> at <see cref="MaxFileBytes"/>, so at most twice that is kept. Binary rather than JSON
/// because each answer carries its candidate features (twenty rows of eight numbers): formatting them as text took
/// the writer a share of the two cores the requests are served on. JSON-lines files of earlier versions
/// (<c>impressions.1.jsonl</c>, <c>impressions.jsonl</c>) are still read back, before the binary ones. Users are
/// named by their keyed pseudonyms; <see cref="Purge"/> rewrites the files without the answers of erased users.
/// </summary>
public sealed partial class ImpressionLog : IAsyncDisposable
{
    public const long MaxFileBytes = 256L << 20;
    private readonly Channel<Impression> _queue = Channel.CreateBounded<Impression>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly string _path;
    private readonly Task _writer;
    private readonly ILogger _logger;
    private readonly Lock _fileLock = new();
    private FileStream? _stream;

    internal ImpressionLog(string directory, ILogger logger)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "impressions.bin");
        _logger = logger;
        _writer = Task.Run(WriteAsync);
    }

    public void Append(Impression impression) => _queue.Writer.TryWrite(impression);

    /// <summary>
    /// The answers logged in <paramref name="directory"/>, oldest first: the JSON-lines files of earlier versions
    /// (rotated, then current), then the binary ones (rotated, then current); a torn last record after a crash is skipped.
    /// </summary>
    public static IEnumerable<Impression> ReadBack(string directory)
    {
        foreach (var file in new[] { Path.Combine(directory, "impressions.1.jsonl"), Path.Combine(directory, "impressions.jsonl") })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            foreach (var line in File.ReadLines(file))
            {
                Impression? impression = null;
                try
                {
                    impression = JsonSerializer.Deserialize<Impression>(line, JsonOptions);
                }
                catch (JsonException)
                {
                    // a torn last line after a crash
                }

                if (impression is not null)
                {
                    yield return impression;
                }
            }
        }

        foreach (var file in new[] { Path.Combine(directory, "impressions.1.bin"), Path.Combine(directory, "impressions.bin") })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            foreach (var impression in ImpressionRecord.ReadAll(file))
            {
                yield return impression;
            }
        }
    }

    /// <summary>
    /// The answers logged in <paramref name="directory"/> for one user (named by their pseudonym, or by their id in
    /// files written before pseudonyms), leaving out those given before an erasure of theirs that waits for a purge.
    /// </summary>
    public static IEnumerable<Impression> ReadBackFor(string directory, string userId, Privacy.Pseudonyms pseudonyms, Privacy.ErasureLedger erasures)
    {
        ArgumentNullException.ThrowIfNull(pseudonyms);
        ArgumentNullException.ThrowIfNull(erasures);
        var name = pseudonyms.Of(userId);
        return ReadBack(directory).Where(i => (i.UserId == name || i.UserId == userId) && !erasures.Erases(name, i.AtMs));
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The writer: one open file, each impression written as a record as it comes, the file flushed when the
    /// queue is empty (so at most the answers of the last moment are lost in a crash), and rotated at the size
    /// limit. The file is held under a lock that <see cref="Purge"/> takes to rewrite it.
    /// </summary>
    private async Task WriteAsync()
    {
        var reader = _queue.Reader;
        var record = new ArrayBufferWriter<byte>(4_096);
        var length = new byte[sizeof(int)];
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                lock (_fileLock)
                {
                    try
                    {
                        _stream ??= Open(_path);
                        while (reader.TryRead(out var impression))
                        {
                            record.ResetWrittenCount();
                            ImpressionRecord.Write(impression, record);
                            BinaryPrimitives.WriteInt32LittleEndian(length, record.WrittenCount);
                            _stream.Write(length);
                            _stream.Write(record.WrittenSpan);
                        }

                        _stream.Flush();
                        if (_stream.Length > MaxFileBytes)
                        {
                            _stream.Dispose();
                            _stream = null;
                            File.Move(_path, Path.Combine(Path.GetDirectoryName(_path)!, "impressions.1.bin"), overwrite: true);
                        }
                    }
                    catch (IOException ex)
                    {
                        WriteFailed(_logger, _path, ex.Message);
                        _stream?.Dispose();
                        _stream = null;
                    }
                }
            }
        }
        finally
        {
            lock (_fileLock)
            {
                _stream?.Dispose();
                _stream = null;
            }
        }
    }

    /// <summary>
    /// Rewrites every impression file of <paramref name="directory"/> without the answers to the users named in
    /// <paramref name="erased"/> (pseudonyms, or ids for files written before pseudonyms): each file is written
    /// anew beside the old one, synced, and moved over it. The live writer (when <paramref name="log"/> is given)
    /// waits meanwhile and reopens the file after. Returns how many answers went.
    /// </summary>
    public static long Purge(string directory, IReadOnlySet<string> erased, ImpressionLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(erased);
        if (erased.Count == 0)
        {
            return 0;
        }

        if (log is null)
        {
            return PurgeFiles(directory, erased);
        }

        lock (log._fileLock)
        {
            log._stream?.Dispose();
            log._stream = null;
            return PurgeFiles(directory, erased);
        }
    }

    private static long PurgeFiles(string directory, IReadOnlySet<string> erased)
    {
        long removed = 0;
        foreach (var name in new[] { "impressions.1.jsonl", "impressions.jsonl" })
        {
            var file = Path.Combine(directory, name);
            if (!File.Exists(file))
            {
                continue;
            }

            var kept = new List<string>();
            var gone = 0;
            foreach (var line in File.ReadLines(file))
            {
                Impression? impression = null;
                try
                {
                    impression = JsonSerializer.Deserialize<Impression>(line, JsonOptions);
                }
                catch (JsonException)
                {
                    // a torn last line: dropped with the rewrite
                }

                if (impression is not null && erased.Contains(impression.UserId))
                {
                    gone++;
                }
                else if (impression is not null)
                {
                    kept.Add(line);
                }
            }

            if (gone == 0)
            {
                continue;
            }

            removed += gone;
            DurableFile.Replace(file, stream =>
            {
                using var writer = new StreamWriter(stream, leaveOpen: true);
                foreach (var line in kept)
                {
                    writer.WriteLine(line);
                }
            });
        }

        foreach (var name in new[] { "impressions.1.bin", "impressions.bin" })
        {
            var file = Path.Combine(directory, name);
            if (!File.Exists(file))
            {
                continue;
            }

            var all = ImpressionRecord.ReadAll(file).ToList();
            var kept = all.Where(i => !erased.Contains(i.UserId)).ToList();
            if (kept.Count == all.Count)
            {
                continue;
            }

            removed += all.Count - kept.Count;
            var record = new ArrayBufferWriter<byte>(4_096);
            var length = new byte[sizeof(int)];
            DurableFile.Replace(file, stream =>
            {
                foreach (var impression in kept)
                {
                    record.ResetWrittenCount();
                    ImpressionRecord.Write(impression, record);
                    BinaryPrimitives.WriteInt32LittleEndian(length, record.WrittenCount);
                    stream.Write(length);
                    stream.Write(record.WrittenSpan);
                }
            });
        }

        return removed;
    }

    /// <summary>
    /// Opens the log for appending. A record torn by a crash is cut off first, so that the records after it can be read.
    /// </summary>
    private static FileStream Open(string path)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        var whole = 0L;
        Span<byte> header = stackalloc byte[sizeof(int)];
        while (stream.Length - whole >= sizeof(int))
        {
            stream.Position = whole;
            stream.ReadExactly(header);
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (length < 0 || length > stream.Length - whole - sizeof(int))
            {
                break;
            }

            whole += sizeof(int) + length;
        }

        stream.SetLength(whole);
        stream.Position = whole;
        return stream;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "Impressions could not be written to {Path}: {Reason}")]
    private static partial void WriteFailed(ILogger logger, string path, string reason);
}
