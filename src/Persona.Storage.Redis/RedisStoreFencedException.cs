namespace Persona.Storage.Redis;

/// <summary>
/// Redis refused a write because another writer opened the store since this one did (it holds a newer epoch):
/// this writer is stale (an old activation after a failover) and must stop; the store is the newer writer's.
/// </summary>
public sealed class RedisStoreFencedException : Exception
{
    public RedisStoreFencedException()
    {
    }

    public RedisStoreFencedException(string message)
        : base(message)
    {
    }

    public RedisStoreFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
