using Persona.Core.Engine;
using Persona.Storage;
using Persona.Storage.RocksDb;

namespace Persona.Datasets.Tests;

public sealed class StoreImporterTests : IDisposable
{
    private readonly TempFolder _folder = new("import");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ImportCanonical_BadLinesAcrossBatches_CountedAndReportedWithTheirLineNumbers()
    {
        // 12 good events; line 3 is not JSON and line 10 misses its user, item and time; batches of 4
        // records put the two bad lines in different batches, one refused by the reader, one by the parser.
        var lines = Enumerable.Range(1, 12).Select(Event).ToList();
        lines.Insert(2, "{\"bad json");
        lines.Insert(9, "{\"eventId\":\"x1\",\"type\":\"view\"}");
        var file = Path.Combine(_folder.Path, "events.ndjson");
        File.WriteAllLines(file, lines);

        using var store = Open();
        var summary = new StoreImporter(store, batchSize: 4).ImportCanonical(file, items: false, TimeProvider.System);

        Assert.Equal((0L, 12L, 0L, 2L), (summary.CatalogItems, summary.Accepted, summary.Duplicate, summary.Rejected));
        Assert.Equal([3L, 10L], summary.Rejections.Select(r => r.Position));
        Assert.StartsWith("invalid record: ", summary.Rejections[0].Message, StringComparison.Ordinal);
        Assert.Equal("userId: missing; itemId: missing; timestamp: missing", summary.Rejections[1].Message);
    }

    [Fact]
    public void ImportCanonical_SameFileTwice_SecondImportAllDuplicates()
    {
        var file = Path.Combine(_folder.Path, "events.ndjson");
        File.WriteAllLines(file, Enumerable.Range(1, 7).Select(Event));
        using var store = Open();
        var importer = new StoreImporter(store, batchSize: 3);

        var first = importer.ImportCanonical(file, items: false, TimeProvider.System);
        var second = importer.ImportCanonical(file, items: false, TimeProvider.System);

        Assert.Equal((7L, 0L), (first.Accepted, first.Duplicate));
        Assert.Equal((0L, 7L, 0L), (second.Accepted, second.Duplicate, second.Rejected));
        Assert.Empty(second.Rejections);
    }

    [Fact]
    public void ImportDataset_ReviewsWithAScorer_TextScoredAsIngestionScoresItAndSatisfactionBuilt()
    {
        var file = Path.Combine(_folder.Path, "reviews.json");
        File.WriteAllLines(file,
        [
            """{"reviewerID":"A1","asin":"B1","overall":5.0,"summary":"great","reviewText":"works","unixReviewTime":1393545600}""",
            """{"reviewerID":"A1","asin":"B2","overall":1.0,"summary":"broke","reviewText":"junk","unixReviewTime":1393632000}""",
        ]);
        using var store = Open();

        var summary = new StoreImporter(store, batchSize: 10, text => text.StartsWith("great", StringComparison.Ordinal) ? 0.9 : 0.1).ImportDataset("amazon-reviews", file);

        Assert.Equal(2L, summary.Accepted);
        var view = store.Read("A1", s => new ProfileReader(store.Engine).Read(s, store.Catalog, 1393632000_000))!;
        Assert.Equal(4L, view.Satisfaction!.Signals); // each review: its stars and its text
    }

    [Fact]
    public void ImportDataset_MovieLens100k_CatalogAndEveryRating()
    {
        using var store = Open();

        var summary = new StoreImporter(store, batchSize: 10_000).ImportDataset("movielens", SharedData.Dataset("movielens-100k"));

        Assert.Equal((1_682L, 100_000L, 0L, 0L), (summary.CatalogItems, summary.Accepted, summary.Duplicate, summary.Rejected));
        Assert.Empty(summary.Rejections);
        var users = 0;
        store.VisitUsers(_ => users++);
        Assert.Equal(943, users);
    }

    private static string Event(int i) =>
        $$"""{"eventId":"e{{i}}","type":"view","userId":"u{{i % 3}}","itemId":"i{{i}}","timestamp":{{1_767_225_600_000L + (i * 1_000L)}} }""";

    private DurableProfileStore Open() =>
        EmbeddedProfileStore.Open(new EmbeddedStoreOptions { DataDirectory = Path.Combine(_folder.Path, "store"), DedupeHorizon = TimeSpan.Zero, Retention = TimeSpan.Zero }, new ProfileEngine(new EngineConfig()));
}
