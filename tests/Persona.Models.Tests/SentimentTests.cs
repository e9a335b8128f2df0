using Persona.Models.Sentiment;
using Persona.Models.Serving.Kinds;
using Persona.Models.Training;

namespace Persona.Models.Tests;

public sealed class SentimentTests
{
    private static readonly string[] Pleased = ["great", "excellent", "love", "perfect", "sturdy", "recommend", "sounds", "warm"];
    private static readonly string[] Displeased = ["broke", "junk", "returned", "cheap", "buzz", "waste", "refund", "flimsy"];
    private static readonly string[] Filler = ["the", "strap", "guitar", "cable", "it", "was", "for", "my", "and", "this", "pedal", "tuner"];

    [Fact]
    public void Of_NegationThenPunctuation_MarksWordsUntilTheClauseEnds()
    {
        var tokens = ReviewTokens.Of("It isn't GOOD at all, but I like it!");

        Assert.Equal(["it", "isn't", "not_good", "not_at", "not_all", "but", "i", "like", "it", "!"], tokens);
    }

    [Fact]
    public void Of_EmptyOrNull_NoTokens()
    {
        Assert.Empty(ReviewTokens.Of(null));
        Assert.Empty(ReviewTokens.Of(" ... "));
    }

    [Fact]
    public void Score_LexiconWords_SignFollowsNegationAndContrast()
    {
        Assert.True(SentimentLexicon.Score("Great sound, excellent build") > 0.5);
        Assert.True(SentimentLexicon.Score("Terrible. It broke in a week") < -0.5);
        Assert.True(SentimentLexicon.Score("not good") < 0);
        Assert.True(SentimentLexicon.Score("Looked nice but it is junk") < 0);
        Assert.True(SentimentLexicon.Score("very good") > SentimentLexicon.Score("good"));
        Assert.Equal(0, SentimentLexicon.Score("a cable for the amplifier"));
    }

    [Fact]
    public void Of_SameText_SameSortedDistinctBucketsOfUnitLength()
    {
        var a = HashedNgrams.Of("good good cable", 12, bigrams: true);
        var b = HashedNgrams.Of("good good cable", 12, bigrams: true);

        Assert.Equal(a.Indices, b.Indices);
        Assert.Equal(a.Indices.Order(), a.Indices);
        Assert.Equal(a.Indices.Length, a.Indices.Distinct().Count());
        Assert.Equal(1.0, a.Indices.Length * a.Value * a.Value, 5);
        Assert.True(a.Indices.Length > HashedNgrams.Of("good good cable", 12, bigrams: false).Indices.Length);
    }

    [Fact]
    public void Train_SeparableReviews_HeldOutAucHighAndStarsClose()
    {
        var train = Reviews(seed: 1, count: 600);
        var validation = Reviews(seed: 2, count: 150);
        var test = Reviews(seed: 3, count: 300);

        var trained = SentimentTrainer.Train(train, validation, Small());

        var polar = test.Where(r => r.IsPolar).ToList();
        var auc = BinaryMetrics.Auc([.. polar.Select(r => trained.Model.Score(r.Text).Positive)], [.. polar.Select(r => r.Pleased)]);
        Assert.True(auc > 0.95, $"held-out AUC {auc}");
        var mae = test.Average(r => Math.Abs(trained.Model.Score(r.Text).Stars - r.Stars));
        Assert.True(mae < 1.0, $"held-out star error {mae}");
        Assert.All(test, r => Assert.InRange(trained.Model.Score(r.Text).Stars, 1, 5));
    }

    [Fact]
    public void Train_SameReviewsAndSeed_SameWeights()
    {
        var a = SentimentTrainer.Train(Reviews(1, 200), Reviews(2, 60), Small());
        var b = SentimentTrainer.Train(Reviews(1, 200), Reviews(2, 60), Small());

        Assert.Equal(a.Model.ToBytes(), b.Model.ToBytes());
    }

    [Fact]
    public void Train_ValidationWithoutDispleasedReviews_RefusedNamingThePart()
    {
        var onlyPleased = Reviews(2, 100).Where(r => r.Stars >= 3).ToList();

        var error = Assert.Throws<ArgumentException>(() => SentimentTrainer.Train(Reviews(1, 100), onlyPleased, Small()));
        Assert.Contains("validation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromBytes_RoundTripAndDamage_SameScoresOrRefused()
    {
        var model = SentimentTrainer.Train(Reviews(1, 200), Reviews(2, 60), Small()).Model;
        var bytes = model.ToBytes();

        var read = SentimentModel.FromBytes(bytes);

        Assert.Equal(model.Score("great strap, love it"), read.Score("great strap, love it"));
        Assert.Throws<InvalidDataException>(() => SentimentModel.FromBytes(bytes.AsSpan(0, bytes.Length - 4)));
        var wrongVersion = (byte[])bytes.Clone();
        wrongVersion[0] = 9;
        Assert.Throws<InvalidDataException>(() => SentimentModel.FromBytes(wrongVersion));
    }

    [Fact]
    public void Load_SavedArtifact_SameScoresAndKindServed()
    {
        var folder = Path.Combine(Path.GetTempPath(), "persona-sentiment-" + Guid.NewGuid().ToString("N"));
        try
        {
            var model = SentimentTrainer.Train(Reviews(1, 200), Reviews(2, 60), Small()).Model;
            var saved = SentimentModelArtifact.Save(folder, model, TestMetadata.Item(DateTimeOffset.UnixEpoch));

            var loaded = (SentimentModelArtifact)ModelKinds.Require(SentimentModelArtifact.Kind).Load(folder, new Core.Engine.EngineConfig());

            Assert.Equal(SentimentModelArtifact.Kind, saved.Kind);
            Assert.StartsWith("sentiment-", saved.Version, StringComparison.Ordinal);
            Assert.Equal(model.Score("junk, returned it"), loaded.Model.Score("junk, returned it"));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static SentimentOptions Small() => new() { Bits = 12, MaxEpochs = 15, L2 = [1e-5], Seed = 7 };

    /// <summary>Reviews whose stars follow the share of pleased words among their opinion words, with filler and noise.</summary>
    internal static List<LabelledReview> Reviews(int seed, int count)
    {
        var random = new Random(seed);
        var reviews = new List<LabelledReview>(count);
        for (var i = 0; i < count; i++)
        {
            var stars = random.Next(1, 6);
            var words = new List<string>();
            for (var w = 0; w < 8; w++)
            {
                var pool = random.NextDouble() < 0.5 ? Filler : random.NextDouble() < (stars - 1) / 4.0 ? Pleased : Displeased;
                words.Add(pool[random.Next(pool.Length)]);
            }

            reviews.Add(new LabelledReview(string.Join(' ', words), stars));
        }

        return reviews;
    }
}
