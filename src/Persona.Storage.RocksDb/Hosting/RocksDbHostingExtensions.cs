using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Persona.Core.Engine;
using Persona.Core.Pipeline;

namespace Persona.Storage.RocksDb.Hosting;

/// <summary>Registers the embedded RocksDB store as a host's <see cref="IProfileStore"/> and <see cref="IStoreMaintenance"/>.</summary>
public static class RocksDbHostingExtensions
{
    /// <summary>
    /// The store in <see cref="EmbeddedStoreOptions.DataDirectory"/>, opened (and recovered) when first resolved, with
    /// the host's <see cref="ProfileEngine"/> and logging, and the host's <see cref="TimeProvider"/> unless
    /// <paramref name="clock"/> is given (a host whose reads run at another time than its writes); the options are
    /// validated here, at start.
    /// </summary>
    public static IServiceCollection AddRocksDbProfileStore(this IServiceCollection services, EmbeddedStoreOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(sp => EmbeddedProfileStore.Open(
            options,
            sp.GetRequiredService<ProfileEngine>(),
            clock ?? sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Persona.Store")));
        services.AddSingleton<IProfileStore>(sp => sp.GetRequiredService<DurableProfileStore>());
        services.AddSingleton<IStoreMaintenance>(sp => sp.GetRequiredService<DurableProfileStore>());
        return services;
    }
}
