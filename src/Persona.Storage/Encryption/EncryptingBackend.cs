using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Persona.Core.Pipeline;
using Persona.Storage.Backend;

namespace Persona.Storage.Encryption;

/// <summary>
/// Encryption at rest over any backend: every value that holds personal data (log records, profile snapshots,
/// user records, dead letters, and catalog items alike) is sealed with AES-256-GCM (<see cref="ValueCipher"/>)
/// before the backend sees it, and opened when read back; the backend, its write-ahead log, its files and its
/// replicas hold ciphertext only. Bound to where it lives: a log record or dead letter to its position, a profile to
/// its user; items and user records to their family. Not encrypted: the keys values are stored under (log
/// positions, user ids of profiles and user records, item ids), the protocol's metadata (checkpoint positions,
/// feature names, the user filter's bits) and the deduplication index (64-bit fingerprints). The key ring's check
/// values are recorded in the metadata at creation, so a wrong key is refused on open, and a store written without
/// encryption cannot be opened with it (nor the reverse).
/// </summary>
internal sealed class EncryptingBackend : IStoreBackend, IEventLogStore, IProfileSnapshotStore, IRecordStore, IDeadLetterStore
{
    /// <summary>The metadata key of the key ring's check values.</summary>
    public const string KeysMetaKey = "encryption/keys";

    private readonly IStoreBackend _inner;
    private readonly ValueCipher _cipher;

    /// <param name="inner">The backend that stores the sealed values.</param>
    /// <param name="ring">The keys.</param>
    /// <param name="where">The store's name in messages.</param>
    /// <param name="checkKeys">Whether to check the keys against the store's record of them (and record new ones): false for a reader that must not write.</param>
    public EncryptingBackend(IStoreBackend inner, StoreKeyRing ring, string where, bool checkKeys = true)
    {
        _inner = inner;
        _cipher = new ValueCipher(ring);
        if (checkKeys)
        {
            Check(inner, ring, where);
        }
    }

    public IEventLogStore Log => this;

    public IProfileSnapshotStore Profiles => this;

    public IRecordStore Records => this;

    public IDeadLetterStore DeadLetters => this;

    public IMetaStore Meta => _inner.Meta;

    public IEventIdStore EventIds => _inner.EventIds;

    long IEventLogStore.LastSeq => _inner.Log.LastSeq;

    public void Commit(StoreWrite write, bool durable)
    {
        ArgumentNullException.ThrowIfNull(write);
        var sealedWrite = new StoreWrite();
        Span<byte> where = stackalloc byte[9];

        // The batch's log records sealed into one array (one allocation, not one per record).
        var total = 0;
        foreach (var (_, record) in write.LogRecords)
        {
            total += record.Length + ValueCipher.Overhead;
        }

        var records = new byte[total];
        var at = 0;
        foreach (var (seq, record) in write.LogRecords)
        {
            var length = record.Length + ValueCipher.Overhead;
            _cipher.Encrypt(record.Span, AtPosition('l', seq, where), records.AsSpan(at, length));
            sealedWrite.LogRecords.Add(new LogEntry(seq, records.AsMemory(at, length)));
            at += length;
        }

        foreach (var (seq, letter) in write.DeadLetters)
        {
            sealedWrite.DeadLetters.Add(new LogEntry(seq, _cipher.Encrypt(letter.Span, AtPosition('d', seq, where))));
        }

        foreach (var (key, value) in write.Items)
        {
            sealedWrite.Items.Add(new KeyedValue(key, value is { } v ? _cipher.Encrypt(v.Span, "i"u8) : null));
        }

        foreach (var (key, value) in write.Users)
        {
            sealedWrite.Users.Add(new KeyedValue(key, value is { } v ? _cipher.Encrypt(v.Span, "u"u8) : null));
        }

        sealedWrite.Meta.AddRange(write.Meta);
        sealedWrite.DeletedLogRecords.AddRange(write.DeletedLogRecords);
        sealedWrite.DeletedDeadLetters.AddRange(write.DeletedDeadLetters);
        sealedWrite.DeletedProfiles.AddRange(write.DeletedProfiles);
        _inner.Commit(sealedWrite, durable);
    }

    public void Sync() => _inner.Sync();

    public void Purge() => _inner.Purge();

    public StoreFaultKind Classify(Exception failure) => _inner.Classify(failure);

    public void Dispose()
    {
        _inner.Dispose();
        _cipher.Dispose();
    }

    byte[]? IEventLogStore.Read(long seq)
    {
        Span<byte> where = stackalloc byte[9];
        return _inner.Log.Read(seq) is { } value ? _cipher.Decrypt(value, AtPosition('l', seq, where)) : null;
    }

    void IEventLogStore.Scan(long from, LogVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        var buffer = ArrayPool<byte>.Shared.Rent(4_096);
        try
        {
            _inner.Log.Scan(from, (seq, value) =>
            {
                var length = ValueCipher.PlainLength(value);
                if (length > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(length);
                }

                Span<byte> where = stackalloc byte[9];
                _cipher.Decrypt(value, AtPosition('l', seq, where), buffer);
                return visitor(seq, buffer.AsSpan(0, Math.Max(0, length)));
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    void IEventLogStore.DeleteThrough(long through) => _inner.Log.DeleteThrough(through);

    void IEventLogStore.Compact() => _inner.Log.Compact();

    byte[]? IProfileSnapshotStore.Read(string userId) =>
        _inner.Profiles.Read(userId) is { } value ? _cipher.Decrypt(value, OfUser(userId)) : null;

    void IProfileSnapshotStore.Write(IReadOnlyList<IEncodedProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        _inner.Profiles.Write([.. profiles.Select(p => new SealedProfile(p, _cipher))]);
    }

    void IProfileSnapshotStore.ScanUserIds(Action<ReadOnlySpan<byte>> visitor) => _inner.Profiles.ScanUserIds(visitor);

    void IRecordStore.ScanItems(Action<ReadOnlySpan<byte>> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        _inner.Records.ScanItems(value => visitor(_cipher.Decrypt(value, "i"u8)));
    }

    void IRecordStore.ScanUsers(Action<ReadOnlySpan<byte>> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        _inner.Records.ScanUsers(value => visitor(_cipher.Decrypt(value, "u"u8)));
    }

    byte[]? IRecordStore.ReadUser(string userId) => _inner.Records.ReadUser(userId) is { } value ? _cipher.Decrypt(value, "u"u8) : null;

    void IDeadLetterStore.Scan(bool newestFirst, LogVisitor visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        _inner.DeadLetters.Scan(newestFirst, (seq, value) =>
        {
            Span<byte> where = stackalloc byte[9];
            return visitor(seq, _cipher.Decrypt(value, AtPosition('d', seq, where)));
        });
    }

    void IDeadLetterStore.DeleteThrough(long through) => _inner.DeadLetters.DeleteThrough(through);

    private static ReadOnlySpan<byte> AtPosition(char family, long seq, Span<byte> where)
    {
        where[0] = (byte)family;
        BinaryPrimitives.WriteInt64BigEndian(where[1..], seq);
        return where;
    }

    private static byte[] OfUser(string userId) => Encoding.UTF8.GetBytes("p" + userId);

    /// <summary>
    /// Records the key ring's check values in a new store; in an existing one, refuses a key whose check value
    /// differs, and a store written without encryption. Keys new to the store are recorded.
    /// </summary>
    private static void Check(IStoreBackend inner, StoreKeyRing ring, string where)
    {
        var recorded = inner.Meta.Read(KeysMetaKey) is { } json
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []
            : null;
        if (recorded is null && (inner.Log.LastSeq > 0 || inner.Meta.Read(StoreManifest.Key) is not null))
        {
            throw new InvalidOperationException($"the store at {where} was written without encryption: open it without a key ring, or build a new encrypted store and import into it");
        }

        recorded ??= [];
        var changed = false;
        foreach (var id in ring.Ids)
        {
            var name = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var check = ring.CheckValue(id);
            if (recorded.TryGetValue(name, out var expected))
            {
                if (expected != check)
                {
                    throw new InvalidOperationException($"encryption key {id} is not the key {id} the store at {where} was written with (check value {check}, recorded {expected})");
                }
            }
            else
            {
                recorded[name] = check;
                changed = true;
            }
        }

        if (changed)
        {
            var write = new StoreWrite();
            write.Meta.Add(new KeyedValue(KeysMetaKey, JsonSerializer.SerializeToUtf8Bytes(recorded)));
            inner.Commit(write, durable: true);
        }
    }

    /// <summary>A profile as the checkpoint hands it over, sealed as the backend takes its bytes.</summary>
    private sealed class SealedProfile(IEncodedProfile inner, ValueCipher cipher) : IEncodedProfile
    {
        public string UserId => inner.UserId;

        /// <summary>Seals the encoding into a pooled buffer and hands that to <paramref name="write"/> (which copies what it keeps).</summary>
        public bool WriteTo<TState>(TState state, ReadOnlySpanAction<byte, TState> write) =>
            inner.WriteTo((state, write, cipher, OfUser(inner.UserId)), static (plain, s) =>
            {
                var length = plain.Length + ValueCipher.Overhead;
                var buffer = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    s.cipher.Encrypt(plain, s.Item4, buffer);
                    s.write(buffer.AsSpan(0, length), s.state);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            });
    }
}
