using System.Text;
using Persona.Storage.Encryption;
using Persona.Storage.TestKit;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.RocksDb.Tests;

/// <summary>
/// Encryption at rest, seen from the disk: with a key ring, no file of the data directory (table files, write-ahead
/// log, manifest) holds an event's content; without one, the same run leaves it readable (the control).
/// </summary>
public sealed class RocksDbEncryptionTests : StoreTestBase
{
    private const string Marker = "visible-9QzX";

    protected override IStoreUnderTest CreateStoreUnderTest() => new RocksDbStoreUnderTest();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Ingest_EncryptedOrNot_EventContentInTheFilesOnlyWithout(bool encrypted)
    {
        var directory = ((RocksDbStoreUnderTest)Store).Directory;
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 20, events: 2_000);
        var marked = events.Select((e, i) => e with { EventId = $"{Marker}-{i}", Text = i % 10 == 0 ? Marker + " review text" : e.Text }).ToList();
        var options = new DurableStoreOptions { Encryption = encrypted ? StoreKeyRing.Parse(StoreKeyRing.NewEntry(1), "test key") : null, CheckpointEveryEvents = 500 };
        using (var store = Store.Open(options, Engine))
        {
            store.UpsertItems(Batch(shop.Catalog));
            foreach (var chunk in marked.Chunk(300))
            {
                store.Ingest(Batch(chunk));
            }

            store.Checkpoint();
            Assert.Equal(marked[^1].EventId, store.History(marked[^1].UserId)[^1].EventId);
        }

        var needle = Encoding.UTF8.GetBytes(Marker);
        var holding = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0).ToList();
        if (encrypted)
        {
            Assert.Empty(holding);
        }
        else
        {
            Assert.NotEmpty(holding);
        }
    }
}
