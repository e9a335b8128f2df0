using Persona.Core.Sources;

namespace Persona.Sources.Redis.Hosting;

/// <summary>Registers a <see cref="RedisStreamSource"/> as a hosted service of a host that has an <c>IProfileStore</c> and an <c>EventParser</c>.</summary>
public static class RedisStreamHostingExtensions
{
    /// <summary>
    /// Consumes <see cref="RedisStreamSourceOptions.Stream"/> into the host's store from when the host starts; the
    /// options are validated here. Reported as an <see cref="IEventSource"/>; every ingested batch is passed to the
    /// host's <see cref="IIngestListener"/>s. One call per stream (or per group of a stream).
    /// </summary>
    public static IServiceCollection AddRedisStreamSource(this IServiceCollection services, RedisStreamSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var key = $"{options.Stream}/{options.Group}";
        services.AddKeyedSingleton(key, (sp, _) => ActivatorUtilities.CreateInstance<RedisStreamSource>(sp, options));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<RedisStreamSource>(key));
        services.AddSingleton<IEventSource>(sp => sp.GetRequiredKeyedService<RedisStreamSource>(key));
        return services;
    }
}
