using System.Text.Json.Serialization;
using Parquet.Serialization;
using Persona.Core.Events;

namespace Persona.Datasets.Tests;

/// <summary>Canonical events and items from NDJSON, CSV and Parquet, through the API's parser.</summary>
public sealed class CanonicalLoaderTests
{
    [Fact]
    public void Read_SameEventsInNdjsonCsvParquet_SameEvents()
    {
        using var folder = new TempFolder("canonical");
        var dir = folder.Path;
        File.WriteAllLines(Path.Combine(dir, "a.ndjson"),
        [
            """{"eventId":"e1","type":"view","userId":"u1","itemId":"i1","timestamp":1700000000000,"context":{"device":"mobile"}}""",
            """{"eventId":"e2","type":"purchase","userId":"u1","itemId":"i2","timestamp":"2023-11-14T22:14:00Z","price":9.5,"quantity":2}""",
            string.Empty,
            """{"eventId":"e3","type":"rate","userId":"u2","itemId":"i1","timestamp":1700000100000,"rating":4}""",
        ]);
        File.WriteAllLines(Path.Combine(dir, "b.csv"),
        [
            "eventId,type,userId,itemId,timestamp,price,quantity,rating,context.device",
            "e1,view,u1,i1,1700000000000,,,,mobile",
            "e2,purchase,u1,i2,2023-11-14T22:14:00Z,9.5,2,,",
            "e3,rate,u2,i1,1700000100000,,,4,",
        ]);
        WriteParquet(Path.Combine(dir, "c.parquet"),
        [
            new EventRow { EventId = "e1", Type = "view", UserId = "u1", ItemId = "i1", Timestamp = 1_700_000_000_000, Context = new ContextRow { Device = "mobile" } },
            new EventRow { EventId = "e2", Type = "purchase", UserId = "u1", ItemId = "i2", Timestamp = 1_700_000_040_000, Price = 9.5, Quantity = 2 },
            new EventRow { EventId = "e3", Type = "rate", UserId = "u2", ItemId = "i1", Timestamp = 1_700_000_100_000, Rating = 4 },
        ]);

        var json = CanonicalLoader.Read(Path.Combine(dir, "a.ndjson")).ToList();
        var csv = CanonicalLoader.Read(Path.Combine(dir, "b.csv")).ToList();
        var parquet = CanonicalLoader.Read(Path.Combine(dir, "c.parquet")).ToList();

        Assert.Equal(3, json.Count);
        Assert.Equal(json, csv);
        Assert.Equal(json, parquet);
        Assert.Equal((byte)EventType.Purchase, parquet[1].Type);
        Assert.Equal(1_700_000_040_000, parquet[1].TimestampMs);
        Assert.Equal(9.5, parquet[1].Price);
        Assert.Equal(2, parquet[1].Quantity);
        Assert.Equal("mobile", parquet[0].Context!.Device);
        Assert.Equal(4, parquet[2].Rating);
    }

    [Fact]
    public void Read_ParquetTimestampColumn_IsEventTime()
    {
        using var folder = new TempFolder("canonical");
        var dir = folder.Path;
        var file = Path.Combine(dir, "events.parquet");
        WriteParquet(file, [new TimedRow { EventId = "e1", Type = "view", UserId = "u1", ItemId = "i1", Timestamp = new DateTime(2023, 11, 14, 22, 14, 0, DateTimeKind.Utc) }]);

        var e = Assert.Single(CanonicalLoader.Read(file));

        Assert.Equal(1_700_000_040_000, e.TimestampMs);
    }

    [Fact]
    public void Read_ParquetRowBreaksARule_ReportsRowAndRule()
    {
        using var folder = new TempFolder("canonical");
        var dir = folder.Path;
        var file = Path.Combine(dir, "events.parquet");
        WriteParquet(file,
        [
            new EventRow { EventId = "e1", Type = "rate", UserId = "u1", ItemId = "i1", Timestamp = 1_700_000_000_000, Rating = 5 },
            new EventRow { EventId = "e2", Type = "rate", UserId = "u1", ItemId = "i1", Timestamp = 1_700_000_000_000, Rating = 7 },
        ]);

        var ex = Assert.Throws<LoaderException>(() => CanonicalLoader.Read(dir).ToList());

        Assert.Equal("events.parquet:2: rating: 7 is outside 1..5", ex.Message);
    }

    [Fact]
    public void ReadRecords_NotParquet_ThrowsLoaderException()
    {
        using var folder = new TempFolder("canonical");
        var dir = folder.Path;
        var file = Path.Combine(dir, "events.parquet");
        File.WriteAllText(file, "this is not parquet");

        Assert.Throws<LoaderException>(() => CanonicalLoader.ReadRecords(file).ToList());
    }

    [Fact]
    public void ReadRecords_InvalidUtf8Line_ReportsLine()
    {
        using var folder = new TempFolder("canonical");
        var dir = folder.Path;
        var file = Path.Combine(dir, "events.ndjson");
        File.WriteAllBytes(file, [.. "{\"a\":1}\n"u8, 0x7B, 0xFF, 0xFE, 0x7D, 0x0A]);

        var records = CanonicalLoader.ReadRecords(file).ToList();

        Assert.Equal(2, records.Count);
        Assert.Equal(new CanonicalRecord(2, null, "invalid UTF-8"), records[1]);
    }

    [Fact]
    public void ReadCatalog_ParquetListColumns_MapPathAndTags()
    {
        using var folder = new TempFolder("canonical");
        var dir = folder.Path;
        File.WriteAllLines(Path.Combine(dir, "events.ndjson"), ["""{"eventId":"e1","type":"view","userId":"u1","itemId":"i1","timestamp":1700000000000}"""]);
        WriteParquet(Path.Combine(dir, "catalog.parquet"),
        [
            new ItemRow { ItemId = "i1", CategoryPath = ["Beauty", "Makeup", "Lips"], Brand = "b1", Price = 12.5, Tags = ["matte", "red"] },
            new ItemRow { ItemId = "i2", CategoryPath = ["Home"], InStock = false },
        ]);

        var data = CanonicalLoader.Load(dir);

        Assert.Single(data.Events);
        Assert.Equal(2, data.Catalog.Count);
        Assert.Equal(["Beauty", "Makeup", "Lips"], data.Catalog[0].CategoryPath);
        Assert.Equal(["matte", "red"], data.Catalog[0].Tags);
        Assert.Equal("b1", data.Catalog[0].Brand);
        Assert.Equal(12.5, data.Catalog[0].Price);
        Assert.False(data.Catalog[1].InStock);
    }

    private static void WriteParquet<T>(string file, IReadOnlyList<T> rows)
    {
        using var stream = File.Create(file);
        ParquetSerializer.SerializeAsync(rows, stream).GetAwaiter().GetResult();
    }

    private sealed class EventRow
    {
        [JsonPropertyName("eventId")]
        public string? EventId { get; set; }

        [JsonPropertyName("type")]
        public string? Type { get; set; }

        [JsonPropertyName("userId")]
        public string? UserId { get; set; }

        [JsonPropertyName("itemId")]
        public string? ItemId { get; set; }

        [JsonPropertyName("timestamp")]
        public long? Timestamp { get; set; }

        [JsonPropertyName("price")]
        public double? Price { get; set; }

        [JsonPropertyName("quantity")]
        public int? Quantity { get; set; }

        [JsonPropertyName("rating")]
        public int? Rating { get; set; }

        [JsonPropertyName("context")]
        public ContextRow? Context { get; set; }
    }

    private sealed class TimedRow
    {
        [JsonPropertyName("eventId")]
        public string? EventId { get; set; }

        [JsonPropertyName("type")]
        public string? Type { get; set; }

        [JsonPropertyName("userId")]
        public string? UserId { get; set; }

        [JsonPropertyName("itemId")]
        public string? ItemId { get; set; }

        [JsonPropertyName("timestamp")]
        public DateTime Timestamp { get; set; }
    }

    private sealed class ContextRow
    {
        [JsonPropertyName("device")]
        public string? Device { get; set; }
    }

    private sealed class ItemRow
    {
        [JsonPropertyName("itemId")]
        public string? ItemId { get; set; }

        [JsonPropertyName("categoryPath")]
        public List<string>? CategoryPath { get; set; }

        [JsonPropertyName("brand")]
        public string? Brand { get; set; }

        [JsonPropertyName("price")]
        public double? Price { get; set; }

        [JsonPropertyName("tags")]
        public List<string>? Tags { get; set; }

        [JsonPropertyName("inStock")]
        public bool InStock { get; set; } = true;
    }
}
