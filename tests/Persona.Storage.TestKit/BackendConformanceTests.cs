using System.Buffers;
using System.Text;
using Persona.Storage.Backend;

namespace Persona.Storage.TestKit;

/// <summary>
/// The primitives a backend gives the protocol (<see cref="IStoreBackend"/>): an atomic commit across record
/// kinds, an ordered log with prefix deletion, profile snapshots, records, dead letters and metadata, all of
/// which survive closing and reopening.
/// </summary>
public abstract class BackendConformanceTests : StoreTestBase
{
    [Fact]
    public void Commit_EveryKindOfRecord_ReadBackAfterReopen()
    {
        using (var backend = Store.OpenBackend(new DurableStoreOptions()))
        {
            var write = new StoreWrite();
            write.LogRecords.Add(new LogEntry(1, "one"u8.ToArray()));
            write.LogRecords.Add(new LogEntry(2, "two"u8.ToArray()));
            write.DeadLetters.Add(new LogEntry(1, "letter"u8.ToArray()));
            write.Items.Add(new KeyedValue("item-é", "{\"itemId\":\"item-é\"}"u8.ToArray()));
            write.Users.Add(new KeyedValue("user-1", "{\"userId\":\"user-1\"}"u8.ToArray()));
            write.Meta.Add(new KeyedValue("a/1", "x"u8.ToArray()));
            backend.Commit(write, durable: true);
        }

        using var reopened = Store.OpenBackend(new DurableStoreOptions());
        Assert.Equal(2, reopened.Log.LastSeq);
        Assert.Equal("two"u8.ToArray(), reopened.Log.Read(2));
        Assert.Null(reopened.Log.Read(3));
        var items = new List<string>();
        reopened.Records.ScanItems(json => items.Add(Encoding.UTF8.GetString(json)));
        Assert.Equal(["{\"itemId\":\"item-é\"}"], items);
        Assert.Equal("{\"userId\":\"user-1\"}"u8.ToArray(), reopened.Records.ReadUser("user-1"));
        Assert.Null(reopened.Records.ReadUser("user-2"));
        Assert.Equal("x"u8.ToArray(), reopened.Meta.Read("a/1"));
        var letters = new List<(long, string)>();
        reopened.DeadLetters.Scan(newestFirst: false, (seq, value) =>
        {
            letters.Add((seq, Encoding.UTF8.GetString(value)));
            return true;
        });
        Assert.Equal([(1L, "letter")], letters);
    }

    [Fact]
    public void Commit_DurableThenCrash_EveryPartKept()
    {
        using (var backend = Store.OpenBackend(new DurableStoreOptions()))
        {
            backend.Commit(CommitNumber(1), durable: true);
            Store.Crash();
        }

        using var reopened = Store.OpenBackend(new DurableStoreOptions());
        Assert.Equal([true, true, true, true, true], PartsOf(reopened, 1));
        Assert.Equal(1, reopened.Log.LastSeq);
    }

    [Fact]
    public void Sync_AfterCommitsNotDurableThenCrash_EveryCommitKept()
    {
        using (var backend = Store.OpenBackend(new DurableStoreOptions()))
        {
            for (var k = 1; k <= 20; k++)
            {
                backend.Commit(CommitNumber(k), durable: false);
            }

            backend.Sync();
            Store.Crash();
        }

        using var reopened = Store.OpenBackend(new DurableStoreOptions());
        Assert.Equal(20, reopened.Log.LastSeq);
        Assert.All(Enumerable.Range(1, 20), k => Assert.Equal([true, true, true, true, true], PartsOf(reopened, k)));
    }

    [Theory]
    [InlineData(0.38)]
    [InlineData(0.62)]
    [InlineData(0.89)]
    public void Commit_CrashCutsTheWritesNotDurable_EachCommitWholeOrAbsentAndThoseKeptAPrefix(double keep)
    {
        // One durable commit, then forty that are not, each with a part of every kind; the crash keeps part of
        // what was not durable, cut wherever the fraction lands: inside a commit, for the backend to drop it whole.
        const int Commits = 41;
        using (var backend = Store.OpenBackend(new DurableStoreOptions()))
        {
            backend.Commit(CommitNumber(1), durable: true);
            for (var k = 2; k <= Commits; k++)
            {
                backend.Commit(CommitNumber(k), durable: false);
            }

            Store.Crash(keep);
        }

        using var reopened = Store.OpenBackend(new DurableStoreOptions());
        var kept = Enumerable.Range(1, Commits).Select(k => (k, Parts: PartsOf(reopened, k))).ToList();
        Assert.All(kept, c => Assert.True(c.Parts.All(p => p) || !c.Parts.Any(p => p), $"commit {c.k} is cut: log, dead letter, item, user, metadata = {string.Join(", ", c.Parts)}"));
        var present = kept.Where(c => c.Parts[0]).Select(c => c.k).ToList();
        Assert.Equal(Enumerable.Range(1, present.Count), present); // the durable one, and a prefix of the rest
        Assert.Equal(present.Count, reopened.Log.LastSeq);
    }

    [Fact]
    public void Commit_NullMetaValue_DeletesTheKey()
    {
        using var backend = Store.OpenBackend(new DurableStoreOptions());
        var put = new StoreWrite();
        put.Meta.Add(new KeyedValue("k", "v"u8.ToArray()));
        backend.Commit(put, durable: false);
        var delete = new StoreWrite();
        delete.Meta.Add(new KeyedValue("k", null));
        backend.Commit(delete, durable: false);
        Assert.Null(backend.Meta.Read("k"));
    }

    [Fact]
    public void Log_ScanFromAPosition_AscendingUntilTheVisitorStops()
    {
        using var backend = Store.OpenBackend(new DurableStoreOptions());
        var write = new StoreWrite();
        foreach (var seq in new long[] { 1, 2, 3, 255, 256, 65_536, 1L << 40 })
        {
            write.LogRecords.Add(new LogEntry(seq, BitConverter.GetBytes(seq)));
        }

        backend.Commit(write, durable: true);
        var seen = new List<long>();
        backend.Log.Scan(3, (seq, record) =>
        {
            Assert.Equal(seq, BitConverter.ToInt64(record));
            seen.Add(seq);
            return seq < 65_536;
        });
        Assert.Equal([3L, 255, 256, 65_536], seen);
        Assert.Equal(1L << 40, backend.Log.LastSeq);
    }

    [Fact]
    public void Log_DeleteThrough_RemovesThePrefixOnly()
    {
        using var backend = Store.OpenBackend(new DurableStoreOptions());
        var write = new StoreWrite();
        for (var seq = 1; seq <= 100; seq++)
        {
            write.LogRecords.Add(new LogEntry(seq, new byte[] { (byte)seq }));
        }

        backend.Commit(write, durable: true);
        backend.Log.DeleteThrough(60);
        backend.Log.Compact();
        var first = 0L;
        backend.Log.Scan(0, (seq, _) =>
        {
            first = seq;
            return false;
        });
        Assert.Equal(61, first);
        Assert.Null(backend.Log.Read(60));
        Assert.Equal([61], backend.Log.Read(61));
        Assert.Equal(100, backend.Log.LastSeq);
    }

    [Fact]
    public void Profiles_WriteManyThenOverwrite_NewestReadBack()
    {
        using (var backend = Store.OpenBackend(new DurableStoreOptions()))
        {
            // Enough profiles for a backend's bulk path, with ids that share long prefixes or are not ASCII.
            var ids = Enumerable.Range(0, 25_000).Select(i => i % 3 == 0 ? $"user-{i}" : i % 3 == 1 ? $"userprefix-shared-{i:D6}" : $"ユーザー{i}").ToList();
            backend.Profiles.Write([.. ids.Select(id => new Encoded(id, Encoding.UTF8.GetBytes("v1:" + id)))]);
            backend.Profiles.Write([.. ids.Take(10).Select(id => new Encoded(id, Encoding.UTF8.GetBytes("v2:" + id)))]);
            var count = 0;
            backend.Profiles.ScanUserIds(_ => count++);
            Assert.Equal(ids.Count, count);
        }

        using var reopened = Store.OpenBackend(new DurableStoreOptions());
        Assert.Equal("v2:user-0"u8.ToArray(), reopened.Profiles.Read("user-0"));
        Assert.Equal(Encoding.UTF8.GetBytes("v1:ユーザー24998"), reopened.Profiles.Read("ユーザー24998"));
        Assert.Null(reopened.Profiles.Read("nobody"));
    }

    [Fact]
    public void DeadLetters_ScanNewestFirstAndDeleteThrough_OrderAndPrefix()
    {
        using var backend = Store.OpenBackend(new DurableStoreOptions());
        var write = new StoreWrite();
        for (var seq = 1; seq <= 5; seq++)
        {
            write.DeadLetters.Add(new LogEntry(seq, new byte[] { (byte)seq }));
        }

        backend.Commit(write, durable: true);
        backend.DeadLetters.DeleteThrough(2);
        var newest = new List<long>();
        backend.DeadLetters.Scan(newestFirst: true, (seq, _) =>
        {
            newest.Add(seq);
            return true;
        });
        Assert.Equal([5L, 4, 3], newest);
    }

    [Fact]
    public void Meta_ScanPrefix_OrdinalOrderAndOnlyThePrefix()
    {
        using var backend = Store.OpenBackend(new DurableStoreOptions());
        var write = new StoreWrite();
        foreach (var key in new[] { "mark/0000000000000002", "mark/0000000000000010", "mark/0000000000000001", "marks", "feature/1", "m" })
        {
            write.Meta.Add(new KeyedValue(key, Encoding.UTF8.GetBytes(key)));
        }

        backend.Commit(write, durable: false);
        var keys = new List<string>();
        backend.Meta.Scan("mark/", (key, value) =>
        {
            Assert.Equal(key, Encoding.UTF8.GetString(value));
            keys.Add(key);
            return true;
        });
        Assert.Equal(["mark/0000000000000001", "mark/0000000000000002", "mark/0000000000000010"], keys);
    }

    [Theory]
    [InlineData(100)] // a backend's small path
    [InlineData(30_000)] // and its bulk path
    public void EventIds_WriteLookupAndDeleteBuckets_AfterReopen(int count)
    {
        static ulong Fp(int i) => unchecked((ulong)i * 0x9E3779B97F4A7C15UL);
        var entries = Enumerable.Range(0, count)
            .Select(i => new EventIdEntry(i % 3, Fp(i % 500), i + 1))
            .OrderBy(e => e.Bucket).ThenBy(e => e.Fingerprint).ThenBy(e => e.Seq).ToList();
        using (var backend = Store.OpenBackend(new DurableStoreOptions()))
        {
            backend.EventIds.Write(entries);
            backend.Commit(new StoreWrite { Meta = { new KeyedValue("x", "y"u8.ToArray()) } }, durable: true);
        }

        using var reopened = Store.OpenBackend(new DurableStoreOptions());
        var fp = Fp(7);
        var found = new List<long>();
        reopened.EventIds.Lookup(1, 1, fp, found);
        Assert.Equal(entries.Where(e => e.Bucket == 1 && e.Fingerprint == fp).Select(e => e.Seq), found);
        found.Clear();
        reopened.EventIds.Lookup(0, 2, fp, found);
        Assert.Equal(entries.Where(e => e.Fingerprint == fp).Select(e => e.Seq).Order(), found.Order());
        found.Clear();
        reopened.EventIds.Lookup(1, 1, fp + 1, found);
        Assert.Empty(found);
        reopened.EventIds.DeleteBucketsThrough(1);
        reopened.EventIds.Lookup(0, 1, fp, found);
        Assert.Empty(found);
        reopened.EventIds.Lookup(2, 2, Fp(8), found);
        Assert.Equal(entries.Where(e => e.Bucket == 2 && e.Fingerprint == Fp(8)).Select(e => e.Seq), found);
    }

    [Fact]
    public void EventIds_NegativeBuckets_OrderedAndDeletedOnlyThroughTheGivenOne()
    {
        // Buckets before 1970 are negative: they sort before the others, and deleting through one keeps the rest.
        var entries = new[] { -5, -2, -1, 0, 3 }.Select((b, i) => new EventIdEntry(b, 42UL, i + 1)).ToList();
        using var backend = Store.OpenBackend(new DurableStoreOptions());
        backend.EventIds.Write(entries);
        backend.EventIds.DeleteBucketsThrough(-2);
        var found = new List<long>();
        backend.EventIds.Lookup(-10, 10, 42UL, found);
        Assert.Equal([3L, 4, 5], found);
    }

    /// <summary>Commit number <paramref name="k"/>: a log record and a dead letter at position k, an item, a user record and a metadata key, each naming k.</summary>
    private static StoreWrite CommitNumber(int k)
    {
        var payload = Encoding.UTF8.GetBytes($"commit {k} " + new string('x', 200));
        var write = new StoreWrite();
        write.LogRecords.Add(new LogEntry(k, payload));
        write.DeadLetters.Add(new LogEntry(k, payload));
        write.Items.Add(new KeyedValue($"item-{k}", Encoding.UTF8.GetBytes($"{{\"itemId\":\"item-{k}\"}}")));
        write.Users.Add(new KeyedValue($"user-{k}", payload));
        write.Meta.Add(new KeyedValue($"commit/{k:D4}", payload));
        return write;
    }

    /// <summary>Which parts of commit <paramref name="k"/> a backend holds: log record, dead letter, item, user record, metadata.</summary>
    private static bool[] PartsOf(IStoreBackend backend, int k)
    {
        var letter = false;
        backend.DeadLetters.Scan(newestFirst: false, (seq, _) =>
        {
            letter |= seq == k;
            return seq < k;
        });
        var item = false;
        backend.Records.ScanItems(json => item |= Encoding.UTF8.GetString(json).Contains($"\"item-{k}\"", StringComparison.Ordinal));
        return [backend.Log.Read(k) is not null, letter, item, backend.Records.ReadUser($"user-{k}") is not null, backend.Meta.Read($"commit/{k:D4}") is not null];
    }

    private sealed class Encoded(string userId, byte[] bytes) : IEncodedProfile
    {
        public string UserId { get; } = userId;

        public bool WriteTo<TState>(TState state, ReadOnlySpanAction<byte, TState> write)
        {
            write(bytes, state);
            return true;
        }
    }
}
