using Persona.Core.Events;

namespace Persona.Datasets.Tests;

public sealed class LabelledSentencesLoaderTests
{
    [Fact]
    public void Read_TabSeparatedLabels_ReviewEventsWithFiveOrOneStar()
    {
        using var folder = new TempFolder("sentences");
        File.WriteAllText(Path.Combine(folder.Path, "shop_labelled.txt"), "Great value.\t1\n\nBroke at once.  \t0\n");

        var events = LabelledSentencesLoader.Read(folder.Path).ToList();

        Assert.Equal([("Great value.", 5), ("Broke at once.", 1)], events.Select(e => (e.Text!, e.Rating!.Value)));
        Assert.Equal(["shop_labelled:1", "shop_labelled:3"], events.Select(e => e.EventId));
        Assert.All(events, e => Assert.Equal(((byte)EventType.Review, 0L), (e.Type, e.TimestampMs)));
    }

    [Theory]
    [InlineData("no label here")]
    [InlineData("a label out of range\t2")]
    public void Read_BadLine_RefusedNamingFileAndLine(string line)
    {
        using var folder = new TempFolder("sentences");
        File.WriteAllText(Path.Combine(folder.Path, "x_labelled.txt"), "fine\t1\n" + line + "\n");

        var error = Assert.Throws<LoaderException>(() => LabelledSentencesLoader.Read(folder.Path).ToList());
        Assert.Contains("x_labelled:2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UciSentimentSentences_ThreeThousandBalancedSentences()
    {
        var events = DatasetLoader.LoadEvents("labelled-sentences", SharedData.Dataset("uci-sentiment-sentences")).Events;

        Assert.Equal(3000, events.Count);
        Assert.Equal(1500, events.Count(e => e.Rating == 5));
        Assert.Equal(3000, events.Select(e => e.EventId).Distinct().Count());
    }
}
