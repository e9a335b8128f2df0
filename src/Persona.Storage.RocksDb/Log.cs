using Microsoft.Extensions.Logging;

namespace Persona.Storage.RocksDb;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened store at {Path}: log position {Position}, checkpoint {Checkpoint}, {Items} catalog items")]
    public static partial void Opened(ILogger logger, string path, long position, long checkpoint, int items);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Recovered {Events} events after checkpoint {Checkpoint} in {Milliseconds} ms")]
    public static partial void Recovered(ILogger logger, long events, long checkpoint, long milliseconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Checkpoint at {Position}: {Profiles} profiles written, {Evicted} evicted")]
    public static partial void Checkpointed(ILogger logger, long position, int profiles, int evicted);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Retention compacted {Events} events older than {Horizon}")]
    public static partial void Compacted(ILogger logger, long events, DateTimeOffset horizon);
}
