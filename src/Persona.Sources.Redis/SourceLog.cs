namespace Persona.Sources.Redis;

/// <summary>The source's log messages.</summary>
internal static partial class SourceLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Consuming Redis stream '{Stream}' as '{Consumer}' in group '{Group}'")]
    public static partial void Started(ILogger logger, string stream, string group, string consumer);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Re-reading {Entries} entries of stream '{Stream}' this consumer left unacknowledged")]
    public static partial void OwnPending(ILogger logger, string stream, int entries);

    [LoggerMessage(EventId = 402, Level = LogLevel.Information, Message = "Claimed {Entries} entries of stream '{Stream}' that other consumers left unacknowledged for {IdleSeconds} s")]
    public static partial void Claimed(ILogger logger, string stream, int entries, double idleSeconds);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "{Records} records of stream '{Stream}' were rejected and dead-lettered; first: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string stream, int records, string reason);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "The store refused a batch of stream '{Stream}' ({Reason}); nothing acknowledged, retrying in {DelayMs} ms")]
    public static partial void StoreUnavailable(ILogger logger, string stream, string reason, double delayMs);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Redis stream '{Stream}': {Message}; retrying in {DelayMs} ms")]
    public static partial void RedisFailed(ILogger logger, string stream, string message, double delayMs);
}
