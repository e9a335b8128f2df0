using Persona.Storage.Backend;

namespace Persona.Storage.Encryption;

/// <summary>Encryption at rest for readers outside the store: a cluster silo following a partition's log.</summary>
public static class StoreEncryption
{
    /// <summary>
    /// <paramref name="backend"/> as the store sees it through <paramref name="ring"/>: values decrypted as they are
    /// read. For reading only (the keys are not checked against the store's record of them, which a reader may not write).
    /// </summary>
    /// <summary>
    /// The backend a store opens over: <paramref name="backend"/> behind <see cref="EncryptingBackend"/> when
    /// <paramref name="ring"/> is given, else as it is; refuses (and closes the backend) an encrypted store opened
    /// without keys, a clear one opened with keys, and a wrong key.
    /// </summary>
    public static IStoreBackend Apply(IStoreBackend backend, StoreKeyRing? ring, string where)
    {
        ArgumentNullException.ThrowIfNull(backend);
        try
        {
            return ring is not null
                ? new EncryptingBackend(backend, ring, where)
                : backend.Meta.Read(EncryptingBackend.KeysMetaKey) is null
                    ? backend
                    : throw new InvalidOperationException($"the store at {where} is encrypted: open it with its key ring ({StoreKeyRing.EnvironmentVariable}, or a key file)");
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    public static IStoreBackend Reading(IStoreBackend backend, StoreKeyRing ring, string where) => new EncryptingBackend(backend, ring, where, checkKeys: false);
}
