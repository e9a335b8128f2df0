using Microsoft.Extensions.Logging;

namespace Persona.Storage;

/// <summary>The store's log messages (source-generated).</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened store at {Where}: log position {Position}, checkpoint {Checkpoint}, {Items} catalog items; {Scanned} log records read and {Replayed} replayed in {Milliseconds} ms")]
    public static partial void Opened(ILogger logger, string where, long position, long checkpoint, int items, long scanned, long replayed, long milliseconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Checkpoint at {Position}: {Profiles} profiles and {Items} items written, {Evicted} profiles evicted")]
    public static partial void Checkpointed(ILogger logger, long position, int profiles, int items, int evicted);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Retention deleted the log up to position {Through} (events older than {Horizon:O})")]
    public static partial void Compacted(ILogger logger, long through, DateTimeOffset horizon);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "The store stopped accepting writes ({Reason}): {Detail}")]
    public static partial void Failed(ILogger logger, string reason, string detail, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "The log ends at position {LogEnd}, before position {HighSeq} that a checkpoint recorded: its tail was lost (did the disk drop acknowledged writes?). New events are numbered after {HighSeq}")]
    public static partial void LogTailLost(ILogger logger, long logEnd, long highSeq);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "The store at {Where} has no manifest (written before manifests existed): it is taken to have been built with this engine configuration, {Hash}")]
    public static partial void ManifestAdopted(ILogger logger, string where, string hash);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "The event at log position {Position} ({EventId}) could not be applied; it is skipped and dead-lettered")]
    public static partial void EventSkipped(ILogger logger, long position, string eventId, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "A user was erased at log position {Position}: {Events} logged events and {DeadLetters} dead letters deleted")]
    public static partial void Erased(ILogger logger, int events, int deadLetters, long position);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Dead letters: {Removed} expired")]
    public static partial void DeadLettersExpired(ILogger logger, int removed);
}
