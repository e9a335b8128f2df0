using System.Text;
using Persona.Core.Pipeline;
using Persona.Storage.Backend;

namespace Persona.Storage.Tests.InMemory;

/// <summary>
/// A backend in memory over a <see cref="MemoryDisk"/>: the reference model of the contract of
/// <see cref="IStoreBackend"/> (a commit is one step, durable when asked; profiles, event ids and deletions become
/// durable at the next durable point), or, with <see cref="InMemoryFlaws"/>, a backend that breaks it on purpose.
/// Reads see every write at once; a scan visits a copy taken in chunks, so that its visitor may call back in.
/// </summary>
internal sealed class InMemoryBackend : IStoreBackend, IEventLogStore, IProfileSnapshotStore, IRecordStore, IDeadLetterStore, IMetaStore, IEventIdStore
{
    private const int ScanChunk = 1_024;
    private readonly MemoryDisk _disk;
    private readonly InMemoryFlaws _flaws;
    private readonly MemoryImage _live;
    private readonly int _generation;

    public InMemoryBackend(MemoryDisk disk, InMemoryFlaws flaws)
    {
        _disk = disk;
        _flaws = flaws;
        (_live, _generation) = disk.Open();
    }

    public IEventLogStore Log => this;

    public IProfileSnapshotStore Profiles => this;

    public IRecordStore Records => this;

    public IDeadLetterStore DeadLetters => this;

    public IMetaStore Meta => this;

    public IEventIdStore EventIds => this;

    long IEventLogStore.LastSeq => Read(l => l.LogSeqs.Count == 0 ? 0 : l.LogSeqs.Max);

    public void Commit(StoreWrite write, bool durable)
    {
        ArgumentNullException.ThrowIfNull(write);
        var parts = Parts(write);
        durable &= !_flaws.HasFlag(InMemoryFlaws.IgnoresDurable);
        if (_flaws.HasFlag(InMemoryFlaws.PiecewiseCommit))
        {
            foreach (var part in parts)
            {
                Write(part);
            }

            if (durable)
            {
                Sync();
            }

            return;
        }

        lock (_disk.Lock)
        {
            _disk.ThrowIfDown(_generation);
            Write(image => parts.ForEach(part => part(image)));
            if (durable)
            {
                _disk.Flush();
            }
        }
    }

    /// <summary>Nothing to rewrite: a deleted entry leaves nothing behind in memory.</summary>
    public void Purge()
    {
    }

    public void Sync()
    {
        if (_flaws.HasFlag(InMemoryFlaws.SyncDoesNothing))
        {
            return;
        }

        lock (_disk.Lock)
        {
            _disk.ThrowIfDown(_generation);
            _disk.Flush();
        }
    }

    public StoreFaultKind Classify(Exception failure) =>
        failure?.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase) == true ? StoreFaultKind.DiskFull : StoreFaultKind.WriteFailed;

    public void Dispose() => _disk.Close(_generation);

    byte[]? IEventLogStore.Read(long seq) => Read(l => l.Log.GetValueOrDefault(seq));

    void IEventLogStore.Scan(long from, LogVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var next = Math.Max(0, from);
        while (true)
        {
            var chunk = Read(l => l.LogSeqs.Count == 0 || l.LogSeqs.Max < next
                ? []
                : l.LogSeqs.GetViewBetween(next, l.LogSeqs.Max).Take(ScanChunk).Select(seq => (seq, l.Log[seq])).ToList());
            if (chunk.Count == 0)
            {
                return;
            }

            foreach (var (seq, record) in chunk)
            {
                if (!visitor(seq, record))
                {
                    return;
                }
            }

            next = chunk[^1].seq + 1;
        }
    }

    void IEventLogStore.DeleteThrough(long through) => Write(l => l.DeleteLogThrough(through));

    void IEventLogStore.Compact() => Read(_ => 0);

    byte[]? IProfileSnapshotStore.Read(string userId) => Read(l => l.Profiles.GetValueOrDefault(userId));

    void IProfileSnapshotStore.Write(IReadOnlyList<IEncodedProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);

        // Each profile on its own: the contract lets a crash keep some of a checkpoint's profiles and not others.
        foreach (var profile in profiles)
        {
            byte[]? bytes = null;
            profile.WriteTo(0, (span, _) => bytes = span.ToArray());
            if (bytes is not null)
            {
                var userId = profile.UserId;
                Write(l => l.Profiles[userId] = bytes);
            }
        }
    }

    void IProfileSnapshotStore.ScanUserIds(Action<ReadOnlySpan<byte>> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        foreach (var user in Read(l => l.Profiles.Keys.ToList()))
        {
            visitor(Encoding.UTF8.GetBytes(user));
        }
    }

    void IRecordStore.ScanItems(Action<ReadOnlySpan<byte>> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        foreach (var json in Read(l => l.Items.Values.ToList()))
        {
            visitor(json);
        }
    }

    void IRecordStore.ScanUsers(Action<ReadOnlySpan<byte>> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        foreach (var json in Read(l => l.Users.Values.ToList()))
        {
            visitor(json);
        }
    }

    byte[]? IRecordStore.ReadUser(string userId) => Read(l => l.Users.GetValueOrDefault(userId));

    void IDeadLetterStore.Scan(bool newestFirst, LogVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var letters = Read(l => newestFirst ? l.DeadLetters.Reverse().ToList() : l.DeadLetters.ToList());
        foreach (var (seq, letter) in letters)
        {
            if (!visitor(seq, letter))
            {
                return;
            }
        }
    }

    void IDeadLetterStore.DeleteThrough(long through) => Write(l =>
    {
        foreach (var seq in l.DeadLetters.Keys.TakeWhile(s => s <= through).ToList())
        {
            l.DeadLetters.Remove(seq);
        }
    });

    byte[]? IMetaStore.Read(string key) => Read(l => l.Meta.GetValueOrDefault(key));

    void IMetaStore.Scan(string prefix, MetaVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var entries = Read(l => l.Meta.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList());
        foreach (var (key, value) in entries)
        {
            if (!visitor(key, value))
            {
                return;
            }
        }
    }

    void IEventIdStore.Write(IReadOnlyList<EventIdEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var copy = entries.Select(e => (e.Bucket, e.Fingerprint, e.Seq)).ToList();
        Write(l => l.EventIds.UnionWith(copy));
    }

    void IEventIdStore.Lookup(int firstBucket, int lastBucket, ulong fingerprint, List<long> seqs)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        seqs.AddRange(Read(l =>
        {
            var found = new List<long>();
            for (long bucket = firstBucket; bucket <= lastBucket; bucket++)
            {
                var b = (int)bucket;
                found.AddRange(l.EventIds.GetViewBetween((b, fingerprint, long.MinValue), (b, fingerprint, long.MaxValue)).Select(e => e.Seq));
            }

            return found;
        }));
    }

    void IEventIdStore.DeleteBucketsThrough(int bucket) => Write(l => l.EventIds.RemoveWhere(e => e.Bucket <= bucket));

    /// <summary>A commit's entries as separate writes, their bytes copied (the caller may reuse its buffers after the commit).</summary>
    private static List<Action<MemoryImage>> Parts(StoreWrite write)
    {
        var parts = new List<Action<MemoryImage>>();
        foreach (var (seq, record) in write.LogRecords)
        {
            var bytes = record.ToArray();
            parts.Add(l => l.PutLog(seq, bytes));
        }

        foreach (var (seq, letter) in write.DeadLetters)
        {
            var bytes = letter.ToArray();
            parts.Add(l => l.DeadLetters[seq] = bytes);
        }

        parts.AddRange(Keyed(write.Items, l => l.Items));
        parts.AddRange(Keyed(write.Users, l => l.Users));
        parts.AddRange(Keyed(write.Meta, l => l.Meta));
        foreach (var seq in write.DeletedLogRecords)
        {
            parts.Add(l =>
            {
                l.Log.Remove(seq);
                l.LogSeqs.Remove(seq);
            });
        }

        foreach (var seq in write.DeletedDeadLetters)
        {
            parts.Add(l => l.DeadLetters.Remove(seq));
        }

        foreach (var user in write.DeletedProfiles)
        {
            parts.Add(l => l.Profiles.Remove(user));
        }

        return parts;
    }

    private static IEnumerable<Action<MemoryImage>> Keyed(List<KeyedValue> values, Func<MemoryImage, IDictionary<string, byte[]>> of) =>
        values.Select(v =>
        {
            var (key, value) = (v.Key, v.Value?.ToArray());
            return (Action<MemoryImage>)(l =>
            {
                if (value is null)
                {
                    of(l).Remove(key);
                }
                else
                {
                    of(l)[key] = value;
                }
            });
        }).ToList();

    private void Write(Action<MemoryImage> write)
    {
        lock (_disk.Lock)
        {
            _disk.ThrowIfDown(_generation);
            write(_live);
            _disk.Append(write);
        }
    }

    private T Read<T>(Func<MemoryImage, T> read)
    {
        lock (_disk.Lock)
        {
            _disk.ThrowIfDown(_generation);
            return read(_live);
        }
    }
}
