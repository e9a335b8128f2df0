using Persona.Core.Engine;

namespace Persona.Storage.TestKit;

/// <summary>What every suite of the kit shares: the backend under test (one location per test) and an engine.</summary>
public abstract class StoreTestBase : IDisposable
{
    private IStoreUnderTest? _store;

    protected ProfileEngine Engine { get; } = new(new EngineConfig());

    /// <summary>The backend under test, created on first use and disposed (its location deleted) after the test.</summary>
    protected IStoreUnderTest Store => _store ??= CreateStoreUnderTest();

    public void Dispose()
    {
        _store?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A new backend under test at a fresh location.</summary>
    protected abstract IStoreUnderTest CreateStoreUnderTest();

    /// <summary>Opens the protocol over the backend under test wrapped in a <see cref="FaultyBackend"/>.</summary>
    protected (DurableProfileStore Store, FaultyBackend Backend) OpenFaulty(DurableStoreOptions options)
    {
        var backend = new FaultyBackend(Store.OpenBackend(options));
        return (DurableProfileStore.Open(backend, options, Engine, "faulty backend"), backend);
    }
}
