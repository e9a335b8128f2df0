using Persona.Core.Pipeline;
using Persona.Storage.Backend;

namespace Persona.Storage.TestKit;

/// <summary>
/// Wraps a backend so that every read of one user's profile snapshot fails: either
/// the read throws, as on a bad sector or a dropped connection, or it returns the encoding with one byte flipped.
/// Everything else passes through.
/// </summary>
public sealed class SnapshotReadFault(IStoreBackend inner, string faultyUser, bool damage) : IStoreBackend, IProfileSnapshotStore
{
    private int _faults;

    /// <summary>How many reads of the user's snapshot failed.</summary>
    public int Faults => Volatile.Read(ref _faults);

    public IEventLogStore Log => inner.Log;

    public IProfileSnapshotStore Profiles => this;

    public IRecordStore Records => inner.Records;

    public IDeadLetterStore DeadLetters => inner.DeadLetters;

    public IMetaStore Meta => inner.Meta;

    public IEventIdStore EventIds => inner.EventIds;

    public void Commit(StoreWrite write, bool durable) => inner.Commit(write, durable);

    public void Sync() => inner.Sync();

    public void Purge() => inner.Purge();

    public StoreFaultKind Classify(Exception failure) => inner.Classify(failure);

    public void Dispose() => inner.Dispose();

    public byte[]? Read(string userId)
    {
        var bytes = inner.Profiles.Read(userId);
        if (userId != faultyUser || bytes is null)
        {
            return bytes;
        }

        Interlocked.Increment(ref _faults);
        if (!damage)
        {
            throw new InjectedFaultException($"injected read error on the snapshot of {faultyUser}");
        }

        var damaged = (byte[])bytes.Clone();
        damaged[damaged.Length / 2] ^= 0x5A;
        return damaged;
    }

    public void Write(IReadOnlyList<IEncodedProfile> profiles) => inner.Profiles.Write(profiles);

    public void ScanUserIds(Action<ReadOnlySpan<byte>> visitor) => inner.Profiles.ScanUserIds(visitor);
}
