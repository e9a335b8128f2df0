using Persona.Core.Engine;
using Persona.Storage.Backend;

namespace Persona.Storage.TestKit;

/// <summary>
/// A backend as the conformance suite drives it: one location (a directory, a key prefix, a database) that every
/// open of the same instance reaches, so that a test can stop a store and open it again, cleanly or by a crash.
/// </summary>
/// <remarks>
/// The crash model is the promise of <see cref="IStoreBackend"/>, not more: a commit made with <c>durable: true</c>
/// and everything written before a <see cref="IStoreBackend.Sync"/> or a durable commit returned survive; what was
/// written after the last of those may be lost, in whole or in part, but a commit is never cut (all of it or none)
/// and what survives of the writes in flight is a prefix of them, in the backend's own write order. A crash of the
/// process alone (the operating system keeps what it was handed) keeps more than that; a loss of power is the
/// case the suite holds a backend to.
/// </remarks>
public interface IStoreUnderTest : IDisposable
{
    /// <summary>Opens the protocol over this backend at this location.</summary>
    DurableProfileStore Open(DurableStoreOptions options, ProfileEngine engine, TimeProvider? clock = null);

    /// <summary>Opens the bare backend at this location.</summary>
    IStoreBackend OpenBackend(DurableStoreOptions options);

    /// <summary>
    /// The machine loses power now. Every backend opened at this location stops: a call in flight ends or is cut
    /// wherever the backend can be cut, later calls throw, and disposing it writes nothing. The next open finds
    /// what was durable and, of what was written after it, the first <paramref name="keepUnsynced"/> fraction in
    /// the backend's write order (bytes of a write-ahead log, operations of an in-memory backend), cut where that
    /// fraction lands (inside a commit too, for the backend to recover whole commits only). 0 keeps nothing that
    /// was not durable (a durability test); a fraction between 0 and 1 lands inside the unsynced tail (an
    /// atomicity test). Not to be called from inside a backend call (a scan's visitor).
    /// </summary>
    void Crash(double keepUnsynced = 0);
}
