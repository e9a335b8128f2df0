using Persona.Core.Events;

namespace Persona.Datasets.Tests;

public sealed class MovieLensLoaderTests
{
    [Fact]
    public void Load_Ml100k_CountsMatchSourceMd()
    {
        var d = MovieLensLoader.Load(SharedData.Dataset("movielens-100k"));
        Assert.Equal(943, d.Users);
        Assert.Equal(1_682, d.Items);
        Assert.Equal(100_000, d.Interactions);
        Assert.Equal(["Movies", "Animation"], d.Catalog[d.ItemIds.ToList().IndexOf("1")].CategoryPath);
        Assert.All(d.Sequences, s => Assert.True(s.Zip(s.Skip(1)).All(p => p.First.TimeMs <= p.Second.TimeMs)));
    }

    [Fact]
    public void Load_Ml100k_RatingsAreTheRealStars()
    {
        // The star histogram of u.data (GroupLens' README: 100,000 ratings 1-5).
        var d = MovieLensLoader.Load(SharedData.Dataset("movielens-100k"));
        var histogram = d.Sequences.SelectMany(s => s).GroupBy(x => x.Rating).OrderBy(g => g.Key).Select(g => (g.Key, g.Count()));
        Assert.Equal([(1f, 6_110), (2f, 11_370), (3f, 27_145), (4f, 34_174), (5f, 21_201)], histogram.Select(h => ((float)h.Key!, h.Item2)));
    }

    [Fact]
    public void LoadEvents_Ml100k_RateEventsCarryTheirRatings()
    {
        // u.data line 1: user 196 rated item 242 with 3 stars at 881250949; line 3: user 22, item 377, 1 star.
        var events = DatasetLoader.LoadEvents("movielens", SharedData.Dataset("movielens-100k")).Events;
        Assert.Equal(100_000, events.Count);
        Assert.All(events, e => Assert.Equal((byte)EventType.Rate, e.Type));
        var first = Assert.Single(events, e => e is { UserId: "196", ItemId: "242" });
        Assert.Equal(3, first.Rating);
        Assert.Equal(881_250_949_000, first.TimestampMs);
        Assert.Equal(1, Assert.Single(events, e => e is { UserId: "22", ItemId: "377" }).Rating);
        Assert.Equal(352_986, events.Sum(e => e.Rating!.Value));
    }

    [Fact]
    public void Load_MainFile_SameAsFolder()
    {
        var d = MovieLensLoader.Load(Path.Combine(SharedData.Dataset("movielens-100k"), "u.data"));
        Assert.Equal(100_000, d.Interactions);
    }
}

public sealed class MovieLensLatestTests
{
    [Theory]
    [InlineData(0.5f, 1)]
    [InlineData(1f, 1)]
    [InlineData(1.5f, 2)]
    [InlineData(2.5f, 3)]
    [InlineData(3.5f, 4)]
    [InlineData(4.5f, 5)]
    [InlineData(5f, 5)]
    public void Stars_HalfStars_RoundHalfAwayFromZeroWithin1To5(float rating, int stars)
    {
        Assert.Equal(stars, DatasetLoader.Stars(rating));
    }

    [Fact]
    public void Load_LatestCsvLayout_RatingsGenresAndTags()
    {
        var dir = Directory.CreateTempSubdirectory("persona-mll-").FullName;
        try
        {
            File.WriteAllLines(Path.Combine(dir, "ratings.csv"), ["userId,movieId,rating,timestamp", "1,1,4.0,964982703", "1,3,4.5,964981247", "2,1,2.5,1445714835"]);
            File.WriteAllLines(Path.Combine(dir, "movies.csv"), ["movieId,title,genres", "1,Toy Story (1995),Adventure|Animation|Children", "3,\"Grumpier Old Men, The (1995)\",Comedy|Romance"]);
            File.WriteAllLines(Path.Combine(dir, "tags.csv"), ["userId,movieId,tag,timestamp", "2,1,Pixar,1445714994"]);
            var d = MovieLensLoader.Load(dir);
            Assert.Equal(2, d.Users);
            Assert.Equal(2, d.Items);
            Assert.Equal(3, d.Interactions);
            Assert.Equal(["3", "1"], d.Sequences[0].Select(x => d.ItemIds[x.Item])); // user 1 in time order
            var toy = d.Catalog[d.ItemIds.ToList().IndexOf("1")];
            Assert.Equal(["Movies", "Adventure"], toy.CategoryPath);
            Assert.Equal(["Adventure", "Animation", "Children", "pixar"], toy.Tags);
            Assert.Equal("Grumpier Old Men, The (1995)", d.Catalog[d.ItemIds.ToList().IndexOf("3")].Title);

            Assert.Equal([4.5f, 4f], d.Sequences[0].Select(x => x.Rating));
            Assert.Equal(2.5f, d.Sequences[1][0].Rating);
            var events = DatasetLoader.LoadEvents("movielens", dir).Events;
            Assert.Equal([5, 4, 3], events.Select(e => e.Rating)); // half stars round half away from zero

            File.AppendAllLines(Path.Combine(dir, "ratings.csv"), ["3,1,nine,1445714835"]);
            Assert.Contains("ratings.csv:5:", Assert.Throws<LoaderException>(() => MovieLensLoader.Load(dir)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
