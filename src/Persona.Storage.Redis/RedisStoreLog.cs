using Microsoft.Extensions.Logging;

namespace Persona.Storage.Redis;

/// <summary>The Redis store's log messages (source-generated).</summary>
internal static partial class RedisStoreLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Writing the store at {Where} with epoch {Epoch}: earlier writers are fenced off")]
    public static partial void WriterEpoch(ILogger logger, string where, long epoch);
}
