using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Core.Ingest;
using Persona.Storage.Encryption;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.TestKit;

/// <summary>
/// Encryption at rest, as every backend must give it: the same profiles, history, users and dead letters through
/// the sealed values, across reopen and replay; a wrong key, a missing key, or a key for a clear store refused on
/// open; a rotated key ring reading what the old key wrote.
/// </summary>
public abstract class StoreEncryptionTests : StoreTestBase
{
    private static readonly StoreKeyRing Ring = StoreKeyRing.Parse(StoreKeyRing.NewEntry(1), "test key");

    [Fact]
    public void Reopen_WithItsKeyRing_EverythingReadsBackAsWritten()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), users: 40, events: 4_000);
        var expected = Reference(Engine, shop.Catalog, events);
        var options = new DurableStoreOptions { Encryption = Ring, CheckpointEveryEvents = 1_500 };
        using (var store = Store.Open(options, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in events.Chunk(700))
            {
                store.Ingest(Batch(chunk));
            }

            store.UpsertUsers(Batch([new UserRecord { UserId = "u3", SignupTimeMs = 42 }]));
            store.Ingest(new ParsedBatch<BehaviorEvent>([], [new RecordError(0, null, ["type: unknown"])], ["""{"userId":"u3","type":"nope"}"""]));
            AssertProfiles(store, expected);
        }

        using var reopened = Store.Open(options, Engine); // replays the log after the last checkpoint through the cipher
        AssertProfiles(reopened, expected);
        Assert.Equal(events.Where(e => e.UserId == "u3").Select(e => e.EventId), reopened.History("u3").Select(e => e.EventId));
        Assert.Equal(42, reopened.FindUser("u3")!.SignupTimeMs);
        Assert.Equal("""{"userId":"u3","type":"nope"}""", Assert.Single(reopened.DeadLetters()).Record);
        Assert.Equal(shop.Catalog.Count, reopened.Catalog.Count);
    }

    [Fact]
    public void Open_WithAnotherKeyUnderTheSameId_Refused()
    {
        using (var store = Store.Open(new DurableStoreOptions { Encryption = Ring }, Engine))
        {
            store.Ingest(Batch(Shop(DateTimeOffset.UtcNow.AddDays(-1), users: 5, events: 50).Events));
        }

        var wrong = StoreKeyRing.Parse(StoreKeyRing.NewEntry(1), "another key");
        var refused = Assert.Throws<InvalidOperationException>(() => Store.Open(new DurableStoreOptions { Encryption = wrong }, Engine));
        Assert.Contains("is not the key 1", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_EncryptedStoreWithoutKeys_Refused()
    {
        using (var store = Store.Open(new DurableStoreOptions { Encryption = Ring }, Engine))
        {
            store.Ingest(Batch(Shop(DateTimeOffset.UtcNow.AddDays(-1), users: 5, events: 50).Events));
        }

        var refused = Assert.Throws<InvalidOperationException>(() => Store.Open(new DurableStoreOptions(), Engine));
        Assert.Contains("is encrypted", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ClearStoreWithKeys_Refused()
    {
        using (var store = Store.Open(new DurableStoreOptions(), Engine))
        {
            store.Ingest(Batch(Shop(DateTimeOffset.UtcNow.AddDays(-1), users: 5, events: 50).Events));
        }

        var refused = Assert.Throws<InvalidOperationException>(() => Store.Open(new DurableStoreOptions { Encryption = Ring }, Engine));
        Assert.Contains("written without encryption", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RotatedKeyRing_OldValuesReadAndNewOnesWrittenUnderTheNewKey()
    {
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-5), users: 30, events: 2_000);
        var expected = Reference(Engine, shop.Catalog, events);
        var first = StoreKeyRing.NewEntry(1);
        using (var store = Store.Open(new DurableStoreOptions { Encryption = StoreKeyRing.Parse(first, "v1") }, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            store.Ingest(Batch(events.Take(1_000)));
        }

        var rotated = StoreKeyRing.Parse(first + "\n" + StoreKeyRing.NewEntry(2), "v2");
        using (var store = Store.Open(new DurableStoreOptions { Encryption = rotated }, Engine))
        {
            store.Ingest(Batch(events.Skip(1_000)));
            AssertProfiles(store, expected);
        }

        using (var reopened = Store.Open(new DurableStoreOptions { Encryption = rotated }, Engine))
        {
            AssertProfiles(reopened, expected);
        }

        using (var backend = Store.OpenBackend(new DurableStoreOptions()))
        {
            Assert.Equal(1, backend.Log.Read(2)![1]); // the key id of a value written before the rotation
            Assert.Equal(2, backend.Log.Read(backend.Log.LastSeq)![1]); // and of one written after it
        }

        var onlyNew = StoreKeyRing.Parse("2:" + Convert.ToBase64String(rotated.Key(2)), "v2 only");
        var refused = Assert.Throws<InvalidDataException>(() => Store.Open(new DurableStoreOptions { Encryption = onlyNew }, Engine).Dispose());
        Assert.Contains("key 1", refused.Message, StringComparison.Ordinal); // key 1 may go only once nothing it wrote is left
    }
}
