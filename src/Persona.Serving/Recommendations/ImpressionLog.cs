using System.Text.Json;
using System.Threading.Channels;
using Persona.Recommend.Feedback;

namespace Persona.Serving.Recommendations;

/// <summary>
/// Every answer, appended as one JSON line to <c>impressions.jsonl</c> in the data directory by a background
/// writer (requests only enqueue), for offline training and audits, and read back at start so that clicks
/// arriving after a restart are still attributed. The file rotates to <c>impressions.1.jsonl</c> at
/// <see cref="MaxFileBytes"/>, so at most twice that is kept.
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
        _path = Path.Combine(directory, "impressions.jsonl");
        _logger = logger;
        _writer = Task.Run(WriteAsync);
    }

    public void Append(Impression impression) => _queue.Writer.TryWrite(impression);

    /// <summary>The answers logged in <paramref name="directory"/>, oldest first: the rotated file, then the current one; unreadable lines (a torn last line after a crash) are skipped.</summary>
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
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The writer: one open file, each impression written as a JSON line as it comes, the file flushed when the
    /// queue is empty (so at most the answers of the last moment are lost in a crash), and rotated at the size limit.
    /// </summary>
    private async Task WriteAsync()
    {
        var reader = _queue.Reader;
        FileStream? stream = null;
        Utf8JsonWriter? json = null;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                try
                {
                    stream ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
                    json ??= new Utf8JsonWriter(stream);
                    while (reader.TryRead(out var impression))
                    {
                        JsonSerializer.Serialize(json, impression, JsonOptions);
                        json.Flush();
                        json.Reset();
                        stream.WriteByte((byte)'\n');
                    }

                    stream.Flush();
                    if (stream.Length > MaxFileBytes)
                    {
                        json.Dispose();
                        stream.Dispose();
                        (json, stream) = (null, null);
                        File.Move(_path, Path.Combine(Path.GetDirectoryName(_path)!, "impressions.1.jsonl"), overwrite: true);
                    }
                }
                catch (IOException ex)
                {
                    WriteFailed(_logger, _path, ex.Message);
                    json?.Dispose();
                    stream?.Dispose();
                    (json, stream) = (null, null);
                }
            }
        }
        finally
        {
            json?.Dispose();
            stream?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "Impressions could not be written to {Path}: {Reason}")]
    private static partial void WriteFailed(ILogger logger, string path, string reason);
}
