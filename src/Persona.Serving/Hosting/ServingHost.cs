using Persona.Core.Engine;
using Persona.Core.Pipeline;
using Persona.Serving.Profiles;
using Persona.Serving.Recommendations;

namespace Persona.Serving.Hosting;

/// <summary>
/// The serving stack without a web host: the same parts, registered by the same extensions, that the HTTP service
/// resolves, in a plain service provider, so a profile or an answer read here is the one the service would give
/// (the command line's <c>persona profile</c> and <c>persona recommend</c>, the demo). Nothing runs in the
/// background: the recommendation index is brought up to the log's end when first asked for.
/// </summary>
public sealed class ServingHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ServingHost(ServiceProvider services) => _services = services;

    /// <summary>
    /// Opens the store that <paramref name="addStore"/> registers (e.g. <c>AddRocksDbProfileStore</c>) and the stack.
    /// <paramref name="readClock"/> sets the time that reads are evaluated at (default: now).
    /// </summary>
    public static ServingHost Open(ServingOptions serving, EngineConfig config, Action<IServiceCollection> addStore, Func<IServiceProvider, TimeProvider>? readClock = null)
    {
        ArgumentNullException.ThrowIfNull(addStore);
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        if (readClock is not null)
        {
            services.AddSingleton(readClock);
        }

        services.AddPersonaServing(serving, config);
        addStore(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        try
        {
            _ = provider.GetRequiredService<IProfileStore>(); // open (and recover) the store first
            return new ServingHost(provider);
        }
        catch
        {
            provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public IProfileStore Store => _services.GetRequiredService<IProfileStore>();

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
