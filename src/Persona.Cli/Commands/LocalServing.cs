using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Persona.Core.Engine;
using Persona.Serving;
using Persona.Serving.Hosting;
using Persona.Serving.Profiles;
using Persona.Serving.Recommendations;
using Persona.Storage;
using Persona.Storage.RocksDb;
using Persona.Storage.RocksDb.Hosting;

namespace Persona.Cli.Commands;

/// <summary>
/// The serving stack over a store on this machine without the HTTP service: the same parts, registered by the
/// same extensions, that <c>persona serve</c> resolves, so a profile or an answer printed here is the one the
/// service would give. Nothing runs in the background: the recommendation index is brought up to the log's end
/// when first asked for. The store must not be open in a running service.
/// </summary>
internal sealed class LocalServing : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private LocalServing(ServiceProvider services) => _services = services;

    /// <summary>
    /// Opens the store and the stack. <paramref name="readClock"/> sets the time that reads are evaluated at
    /// (default: now); the store itself keeps the system clock for its checkpoints and admission.
    /// </summary>
    public static LocalServing Open(EmbeddedStoreOptions store, ServingOptions serving, EngineConfig config, Func<IServiceProvider, TimeProvider>? readClock = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        if (readClock is not null)
        {
            services.AddSingleton(readClock);
        }

        services.AddPersonaServing(serving, config);
        services.AddRocksDbProfileStore(store, TimeProvider.System);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        try
        {
            _ = provider.GetRequiredService<DurableProfileStore>(); // open (and recover) the store first
            return new LocalServing(provider);
        }
        catch
        {
            provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public DurableProfileStore Store => _services.GetRequiredService<DurableProfileStore>();

    public ProfileViews Profiles => _services.GetRequiredService<ProfileViews>();

    /// <summary>The recommendation service, its index and attribution caught up with the store's log.</summary>
    public RecommendationService Recommendations
    {
        get
        {
            _services.GetRequiredService<RecommendationFollower>().CatchUp();
            var service = _services.GetRequiredService<RecommendationService>();
            service.Index.Refresh();
            return service;
        }
    }

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
