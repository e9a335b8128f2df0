using Persona.Storage.Backend;

namespace Persona.Storage.Redis.Tests;

/// <summary>The Redis backend's own paths beyond the conformance suite: scans longer than one page of replies.</summary>
public sealed class RedisBackendTests : IDisposable
{
    private readonly RedisStoreUnderTest _redis = new();

    [Fact]
    public void Scan_LogAndDeadLettersOverSeveralPages_EveryRecordOnceInOrder()
    {
        using var backend = RedisStoreBackend.Open(_redis.Options(new DurableStoreOptions()), _redis.Connection);
        var write = new StoreWrite();
        for (var seq = 1; seq <= 2_500; seq++)
        {
            write.LogRecords.Add(new LogEntry(seq, BitConverter.GetBytes(seq)));
            write.DeadLetters.Add(new LogEntry(seq, BitConverter.GetBytes(-seq)));
        }

        backend.Commit(write, durable: true);
        var log = new List<long>();
        backend.Log.Scan(700, (seq, record) =>
        {
            Assert.Equal(seq, BitConverter.ToInt32(record));
            log.Add(seq);
            return true;
        });
        var oldest = new List<long>();
        backend.DeadLetters.Scan(newestFirst: false, (seq, record) =>
        {
            Assert.Equal(-seq, BitConverter.ToInt32(record));
            oldest.Add(seq);
            return true;
        });
        var newest = new List<long>();
        backend.DeadLetters.Scan(newestFirst: true, (seq, _) =>
        {
            newest.Add(seq);
            return true;
        });

        Assert.Equal(Enumerable.Range(700, 1_801).Select(i => (long)i), log);
        Assert.Equal(Enumerable.Range(1, 2_500).Select(i => (long)i), oldest);
        Assert.Equal(Enumerable.Range(1, 2_500).Select(i => (long)i).Reverse(), newest);
    }

    [Fact]
    public void Commit_DeadLetterPositionsReusedAfterAllExpired_TheNewLetterReplacesNothingElse()
    {
        // The dead letter book numbers on from the newest letter it finds: once every letter has expired, a reopened
        // store hands out position 1 again.
        using var backend = RedisStoreBackend.Open(_redis.Options(new DurableStoreOptions()), _redis.Connection);
        backend.Commit(new StoreWrite { DeadLetters = { new LogEntry(1, "a"u8.ToArray()), new LogEntry(2, "b"u8.ToArray()) } }, durable: true);
        backend.DeadLetters.DeleteThrough(2);
        backend.Commit(new StoreWrite { DeadLetters = { new LogEntry(1, "c"u8.ToArray()) } }, durable: true);
        backend.Commit(new StoreWrite { DeadLetters = { new LogEntry(1, "d"u8.ToArray()) } }, durable: true);
        var letters = new List<(long, string)>();
        backend.DeadLetters.Scan(newestFirst: false, (seq, record) =>
        {
            letters.Add((seq, System.Text.Encoding.UTF8.GetString(record)));
            return true;
        });
        Assert.Equal([(1L, "d")], letters);
    }

    [Fact]
    public void Commit_LogPositionNotAfterTheNewest_RefusedAndNothingOfTheCommitWritten()
    {
        using var backend = RedisStoreBackend.Open(_redis.Options(new DurableStoreOptions()), _redis.Connection);
        backend.Commit(new StoreWrite { LogRecords = { new LogEntry(5, "five"u8.ToArray()) } }, durable: true);
        var again = new StoreWrite { LogRecords = { new LogEntry(5, "other"u8.ToArray()) }, Meta = { new KeyedValue("k", "v"u8.ToArray()) } };
        Assert.Throws<StackExchange.Redis.RedisServerException>(() => backend.Commit(again, durable: true));
        Assert.Equal("five"u8.ToArray(), backend.Log.Read(5));
        Assert.Null(backend.Meta.Read("k"));
    }

    public void Dispose() => _redis.Dispose();
}
