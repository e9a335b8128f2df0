using System.Text;
using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Core.Ingest;
using static Persona.Storage.TestKit.StoreTestData;

namespace Persona.Storage.TestKit;

/// <summary>
/// After an erasure and a purge, no file the backend keeps holds the erased user's id: not the log, the snapshots,
/// the user records, the dead letters, nor the backend's own logs (a write-ahead log, a manifest, an append-only
/// file). Found by reading every byte of every file in <see cref="FilesDirectory"/>, with a user who is kept as the
/// control that the search finds what is there. For backends whose data lies in files of a directory.
/// </summary>
public abstract class StorePurgeTests : StoreTestBase
{
    private const string Erased = "erase-me-7Qx2Zk";
    private const string Kept = "keep-me-9Wd4Rj";

    /// <summary>The directory holding every file of the backend under test.</summary>
    protected abstract string FilesDirectory { get; }

    [Fact]
    public void Purge_AfterAnErasure_NoFileHoldsTheErasedIdAndTheKeptUserIsThere()
    {
        var directory = FilesDirectory;
        var (shop, events) = Shop(DateTimeOffset.UtcNow.AddDays(-3), users: 20, events: 2_000);
        var renamed = events.Select((e, i) => e.UserId switch
        {
            "u1" => e with { UserId = Erased },
            "u2" => e with { UserId = Kept },
            _ => e,
        }).ToList();
        using var store = Store.Open(new DurableStoreOptions { CheckpointEveryEvents = 500 }, Engine);
        store.UpsertItems(Batch(shop.Catalog));
        foreach (var chunk in renamed.Chunk(300))
        {
            store.Ingest(Batch(chunk));
        }

        store.UpsertUsers(Batch([new UserRecord { UserId = Erased }, new UserRecord { UserId = Kept }]));
        string[] rejected = [$$"""{"userId":"{{Erased}}","type":"view","timestamp":"soon"}"""];
        store.Ingest(new ParsedBatch<BehaviorEvent>([], [new RecordError(0, null, ["timestamp: not a time"])], rejected));
        store.Checkpoint();
        Assert.NotEmpty(FilesHolding(directory, Erased)); // the search finds the user before the erasure

        Assert.True(store.EraseUser(Erased).Found);
        store.Purge();

        Assert.Empty(FilesHolding(directory, Erased));
        Assert.NotEmpty(FilesHolding(directory, Kept));
        Assert.NotNull(Snapshot(store, Kept));
    }

    private static List<string> FilesHolding(string directory, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0)
            .Select(Path.GetFileName)
            .OfType<string>()];
    }
}
