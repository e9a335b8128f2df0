using System.IO.Compression;
using System.Text;
using Persona.Core.Events;

namespace Persona.Datasets.Tests;

public sealed class AmazonReviewsLoaderTests
{
    private const string Line2014 = """{"reviewerID": "A1", "asin": "B0001", "reviewerName": "x", "helpful": [0, 0], "reviewText": "Works well.", "overall": 5.0, "summary": "good", "unixReviewTime": 1393545600, "reviewTime": "02 28, 2014"}""";
    private const string Line2018 = """{"overall": 2.0, "vote": "3", "verified": true, "reviewTime": "01 5, 2018", "reviewerID": "A2", "asin": "B0002", "style": {"Size:": " Large"}, "reviewerName": "y", "reviewText": "Broke in a week", "summary": "poor", "unixReviewTime": 1515110400}""";

    [Fact]
    public void Read_2014And2018FieldNamesPlainAndGzipped_ReviewEventsWithStarsAndText()
    {
        using var folder = new TempFolder("amazon");
        File.WriteAllText(Path.Combine(folder.Path, "a.json"), Line2014 + "\n\n");
        using (var gz = new GZipStream(File.Create(Path.Combine(folder.Path, "b.json.gz")), CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes(Line2018 + "\n"));
        }

        var events = AmazonReviewsLoader.Read(folder.Path).ToList();

        Assert.Equal(2, events.Count);
        Assert.Equal(("A1", "B0001", 5, "good. Works well.", 1393545600_000L), (events[0].UserId, events[0].ItemId, events[0].Rating, events[0].Text, events[0].TimestampMs));
        Assert.Equal(("A2", "B0002", 2, "poor. Broke in a week"), (events[1].UserId, events[1].ItemId, events[1].Rating, events[1].Text));
        Assert.All(events, e => Assert.Equal((byte)EventType.Review, e.Type));
        Assert.Equal(["B0001", "B0002"], AmazonReviewsLoader.Catalog(folder.Path).Select(i => i.ItemId));
    }

    [Theory]
    [InlineData("""{"asin": "B1", "overall": 4, "unixReviewTime": 1}""")]
    [InlineData("""{"reviewerID": "A", "asin": "B1", "overall": 7, "unixReviewTime": 1}""")]
    [InlineData("""{"reviewerID": "A", "asin": "B1", "overall": 4}""")]
    [InlineData("not json")]
    public void Read_BadLine_RefusedNamingFileAndLine(string line)
    {
        using var folder = new TempFolder("amazon");
        File.WriteAllText(Path.Combine(folder.Path, "r.json"), Line2014 + "\n" + line + "\n");

        var error = Assert.Throws<LoaderException>(() => AmazonReviewsLoader.Read(folder.Path).ToList());

        Assert.StartsWith("r.json:2:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MusicalInstruments_EveryReviewWithItsStars()
    {
        var d = DatasetLoader.LoadEvents("amazon-reviews", SharedData.Dataset("amazon-musical-instruments-reviews"));

        Assert.Equal(10_261, d.Events.Count);
        Assert.All(d.Events, e => Assert.InRange(e.Rating!.Value, 1, 5));
        Assert.True(d.Events.Count(e => e.Text is not null) >= 10_250);
        Assert.Equal(d.Events.Count, d.Events.Select(e => e.EventId).Distinct().Count());
    }
}
