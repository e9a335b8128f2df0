namespace Persona.Storage.Backend;

/// <summary>Profiles as the last checkpoints wrote them, keyed by user id.</summary>
public interface IProfileSnapshotStore
{
    /// <summary>The encoding of a user's profile, or null for a user never written.</summary>
    byte[]? Read(string userId);

    /// <summary>
    /// Writes a checkpoint's profiles. Each profile is written whole; the set need not be atomic (the protocol
    /// tolerates a crash part-way: each profile records the log position it reflects). Durable before returning,
    /// or made durable by the next durable <see cref="IStoreBackend.Commit"/>.
    /// </summary>
    void Write(IReadOnlyList<IEncodedProfile> profiles);

    /// <summary>Visits the UTF-8 user id of every written profile (rebuilding a user filter for a store that has none).</summary>
    void ScanUserIds(Action<ReadOnlySpan<byte>> visitor);
}
