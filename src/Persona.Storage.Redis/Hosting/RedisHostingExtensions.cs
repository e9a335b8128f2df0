using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Persona.Core.Engine;
using Persona.Core.Pipeline;
using StackExchange.Redis;

namespace Persona.Storage.Redis.Hosting;

/// <summary>Registers the Redis store as a host's <see cref="IProfileStore"/> and <see cref="IStoreMaintenance"/>.</summary>
public static class RedisHostingExtensions
{
    /// <summary>
    /// The store under <see cref="RedisStoreOptions.KeyPrefix"/>, opened (and recovered) when first resolved, with the
    /// host's <see cref="ProfileEngine"/> and logging, the host's <see cref="IConnectionMultiplexer"/> when it registers
    /// one (else the store connects itself), and the host's <see cref="TimeProvider"/> unless <paramref name="clock"/>
    /// is given; the options are validated here, at start.
    /// </summary>
    public static IServiceCollection AddRedisProfileStore(this IServiceCollection services, RedisStoreOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(sp => RedisProfileStore.Open(
            options,
            sp.GetRequiredService<ProfileEngine>(),
            sp.GetService<IConnectionMultiplexer>(),
            clock ?? sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Persona.Store")));
        services.AddSingleton<IProfileStore>(sp => sp.GetRequiredService<DurableProfileStore>());
        services.AddSingleton<IStoreMaintenance>(sp => sp.GetRequiredService<DurableProfileStore>());
        return services;
    }
}
