using Persona.Core.Engine;
using Persona.Storage.Backend;
using Persona.Storage.TestKit;

namespace Persona.Storage.Tests.InMemory;

/// <summary>
/// <see cref="InMemoryBackend"/> on one <see cref="MemoryDisk"/>. A crash keeps what was durable and the first
/// fraction of the writes pending since, by count: in the reference backend a whole commit is one write, in the
/// piecewise one each of its entries is.
/// </summary>
internal sealed class InMemoryStoreUnderTest(InMemoryFlaws flaws = InMemoryFlaws.None) : IStoreUnderTest
{
    private readonly MemoryDisk _disk = new();

    public DurableProfileStore Open(DurableStoreOptions options, ProfileEngine engine, TimeProvider? clock = null) =>
        DurableProfileStore.Open(OpenBackend(options), options, engine, $"memory ({flaws})", clock);

    public IStoreBackend OpenBackend(DurableStoreOptions options) => new InMemoryBackend(_disk, flaws);

    public void Crash(double keepUnsynced = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepUnsynced);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keepUnsynced, 1);
        _disk.Crash(keepUnsynced);
    }

    public void Dispose()
    {
    }
}
