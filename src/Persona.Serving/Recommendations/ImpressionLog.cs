using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Threading.Channels;
using Persona.Recommend.Feedback;

namespace Persona.Serving.Recommendations;

/// <summary>
/// Every answer, appended as one binary record (<see cref="ImpressionRecord"/>) to <c>impressions.bin</c> in the
/// data directory by a background writer (requests only enqueue), for offline training and audits, and read back
/// at start so that clicks arriving after a restart are still attributed. The file rotates to
/// <c>impressions.1.bin</c> at <see cref="MaxFileBytes"/>, so at most twice that is kept. Binary rather than JSON
/// because each answer carries its candidate features (twenty rows of eight numbers): formatting them as text took
/// the writer a share of the two cores the requests are served on. JSON-lines files of earlier versions
/// (<c>impressions.1.jsonl</c>, <c>impressions.jsonl</c>) are still read back, before the binary ones.
/// </summary>
public sealed partial class ImpressionLog : IAsyncDisposable
{
    public const long MaxFileBytes = 256L << 20;
    private readonly Channel<Impression> _queue = Channel.CreateBounded<Impression>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly string _path;
    private readonly Task _writer;
    private readonly ILogger _logger;

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

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The writer: one open file, each impression written as a record as it comes, the file flushed when the
    /// queue is empty (so at most the answers of the last moment are lost in a crash), and rotated at the size limit.
    /// </summary>
    private async Task WriteAsync()
    {
        var reader = _queue.Reader;
        var record = new ArrayBufferWriter<byte>(4_096);
        var length = new byte[sizeof(int)];
        FileStream? stream = null;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                try
                {
                    stream ??= Open(_path);
                    while (reader.TryRead(out var impression))
                    {
                        record.ResetWrittenCount();
                        ImpressionRecord.Write(impression, record);
                        BinaryPrimitives.WriteInt32LittleEndian(length, record.WrittenCount);
                        stream.Write(length);
                        stream.Write(record.WrittenSpan);
                    }

                    stream.Flush();
                    if (stream.Length > MaxFileBytes)
                    {
                        stream.Dispose();
                        stream = null;
                        File.Move(_path, Path.Combine(Path.GetDirectoryName(_path)!, "impressions.1.bin"), overwrite: true);
                    }
                }
                catch (IOException ex)
                {
                    WriteFailed(_logger, _path, ex.Message);
                    stream?.Dispose();
                    stream = null;
                }
            }
        }
        finally
        {
            stream?.Dispose();
        }
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
