using Persona.Core.Engine;
using Persona.Storage.Backend;

namespace Persona.Storage.TestKit;

/// <summary>
/// A backend as the conformance suite drives it: one location (a directory, a key prefix, a database) that every
/// open of the same instance reaches, so that a test can stop a store and open it again.
/// </summary>
public interface IStoreUnderTest : IDisposable
{
    /// <summary>Opens the protocol over this backend at this location.</summary>
    DurableProfileStore Open(DurableStoreOptions options, ProfileEngine engine, TimeProvider? clock = null);

    /// <summary>Opens the bare backend at this location.</summary>
    IStoreBackend OpenBackend(DurableStoreOptions options);
}
