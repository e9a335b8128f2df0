using System.Collections.Concurrent;
using Persona.Core.Serialization;
using Persona.Storage.Backend;

namespace Persona.Storage.Cache;

/// <summary>
/// The profiles in memory, each kept encoded outside the managed heap (<see cref="CachedProfile"/>), within a
/// byte budget: colder profiles leave once a completed checkpoint holds them, and are read from their
/// checkpoint when asked for again. A Bloom filter of every user ever seen (<see cref="Users"/>) answers
/// "never checkpointed" without a disk read.
/// </summary>
internal sealed class ProfileCache : IDisposable
{
    /// <summary>Managed bytes an entry costs besides its encoding and its id's characters: the entry object and its slot in the dictionary.</summary>
    public const int EntryOverhead = 136;

    private readonly ConcurrentDictionary<string, CachedProfile> _entries;
    private readonly IProfileSnapshotStore _snapshots;
    private long _bytes;
    private long _clock;

    public ProfileCache(IProfileSnapshotStore snapshots, KeyFilter users, long budgetBytes)
    {
        _snapshots = snapshots;
        Users = users;
        BudgetBytes = budgetBytes;

        // Sized for the budget up front (at about 600 bytes a profile): growing a table of a million entries rehashes all of them.
        _entries = new(Environment.ProcessorCount, (int)Math.Clamp(budgetBytes / 600, 1_024, 1 << 20), StringComparer.Ordinal);
    }

    public long BudgetBytes { get; }

    /// <summary>Every user whose profile may have been checkpointed (false positives possible, no false negatives).</summary>
    public KeyFilter Users { get; private set; }

    public int Count => _entries.Count;

    /// <summary>Bytes held: encodings, ids and <see cref="EntryOverhead"/> per entry.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Bytes above the budget; 0 within it.</summary>
    public long Excess => Math.Max(0, Bytes - BudgetBytes);

    public static long CostOf(string userId) => EntryOverhead + (2L * userId.Length);

    /// <summary>A new access time (a logical clock for the approximate LRU).</summary>
    public long Tick() => Interlocked.Increment(ref _clock);

    /// <summary>Replaces the user filter (read back at recovery).</summary>
    public void RestoreUsers(KeyFilter users) => Users = users;

    /// <summary>Adds <paramref name="delta"/> bytes (a publication's change in size) to the total held.</summary>
    public void Account(long delta) => Interlocked.Add(ref _bytes, delta);

    /// <summary>
    /// Runs <paramref name="read"/> over a user's encoded profile: the cached one, or else (never cached, or
    /// evicted meanwhile) the checkpointed one. False for an unknown user, and for a new user whose first
    /// batch is not published yet.
    /// </summary>
    public bool TryRead<T>(string userId, Func<ReadOnlySpan<byte>, T> read, out T value)
    {
        if (_entries.TryGetValue(userId, out var entry))
        {
            entry.LastAccess = Tick();
            if (entry.TryRead(read, out value, out var evicted))
            {
                return true;
            }

            if (!evicted)
            {
                return false; // a new user whose first batch is still being applied
            }
        }

        var bytes = Checkpointed(userId);
        value = bytes is null ? default! : read(bytes);
        return bytes is not null;
    }

    /// <summary>Whether the user's profile is in memory now (it may leave at the next checkpoint).</summary>
    public bool IsInMemory(string userId) => _entries.TryGetValue(userId, out var entry) && entry.EncodedLength > 0;

    /// <summary>The users whose entries hold a published profile now (an entry whose first batch is still being applied is left out).</summary>
    public IEnumerable<string> UserIds()
    {
        foreach (var (user, entry) in _entries)
        {
            if (entry.EncodedLength > 0 || entry.LastLoggedSeq > 0)
            {
                yield return user;
            }
        }
    }

    /// <summary>The cached entry of a user, loaded from its checkpoint (or new); <paramref name="tick"/> is its access time.</summary>
    public CachedProfile GetOrLoad(string userId, long tick)
    {
        if (_entries.TryGetValue(userId, out var entry))
        {
            entry.LastAccess = tick;
            return entry;
        }

        var bytes = Checkpointed(userId);
        entry = new CachedProfile(userId) { LastAccess = tick };
        Account(CostOf(userId));
        if (bytes is null)
        {
            Users.Add(userId);
        }
        else
        {
            Account(entry.Publish(bytes));
            entry.LastLoggedSeq = ProfileCodec.ReadAppliedSeq(bytes);
        }

        _entries[userId] = entry;
        return entry;
    }

    /// <summary>
    /// The position of the user's newest logged event (the head of their chain through the log), from the cached
    /// entry or else the checkpoint; 0 for a user with none.
    /// </summary>
    public long ChainHead(string userId)
    {
        if (_entries.TryGetValue(userId, out var entry))
        {
            return entry.LastLoggedSeq;
        }

        var bytes = Checkpointed(userId);
        return bytes is null ? 0 : ProfileCodec.ReadAppliedSeq(bytes);
    }

    /// <summary>
    /// Drops a user's entry (an erasure): its memory is freed, so no checkpoint writes it and a reader holding it
    /// falls back to the checkpoint (which the erasure deleted). Returns the entry, or null when none was cached.
    /// </summary>
    public CachedProfile? Remove(string userId)
    {
        if (!_entries.TryRemove(userId, out var entry))
        {
            return null;
        }

        Account(-(entry.Free() + CostOf(userId)));
        return entry;
    }

    /// <summary>
    /// Approximate LRU down to the budget: the access time below which to evict is estimated from a sample of
    /// the cache. Only entries a completed checkpoint holds (not dirty) leave; returns how many left.
    /// </summary>
    public int Evict()
    {
        var excess = Excess;
        if (excess <= 0 || _entries.IsEmpty)
        {
            return 0;
        }

        // A sample from the dictionary's own enumerator (its Values property would copy every entry).
        var sample = _entries.Take(4096).Select(e => e.Value.LastAccess).Order().ToArray();
        var share = Math.Min(1.0, excess / (double)Math.Max(1, Bytes));
        var cutoff = sample[Math.Min(sample.Length - 1, (int)(share * sample.Length))];
        var evicted = 0;
        long freed = 0;
        foreach (var (key, entry) in _entries)
        {
            if (freed >= excess)
            {
                break;
            }

            if (!entry.Dirty && entry.LastAccess <= cutoff && _entries.TryRemove(key, out _))
            {
                var released = entry.Free() + CostOf(key); // readers holding the entry fall back to the checkpoint, which has it
                Account(-released);
                freed += released;
                evicted++;
            }
        }

        return evicted;
    }

    public void Dispose()
    {
        foreach (var (key, entry) in _entries)
        {
            Account(-(entry.Free() + CostOf(key)));
        }

        _entries.Clear();
    }

    /// <summary>A user's profile as the last checkpoint wrote it; null for a user never checkpointed.</summary>
    private byte[]? Checkpointed(string userId) => Users.MayContain(userId) ? _snapshots.Read(userId) : null;
}
