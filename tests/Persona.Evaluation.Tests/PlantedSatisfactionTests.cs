using Persona.Core.Events;
using Persona.Evaluation.Protocols;

namespace Persona.Evaluation.Tests;

/// <summary>The synthetic shop's planted dissatisfaction, as the churn protocol sees it after ingestion's lexicon.</summary>
public sealed class PlantedSatisfactionTests
{
    [Fact]
    public void Events_ReviewsAndPlantedDissatisfaction_ChurnersReviewsScoreLowerAfterTheLexicon()
    {
        var shop = SyntheticData.Shop(3, users: 400, events: 60_000, horizonDays: 20, reviewShare: 1, plantedDissatisfaction: 3, ratingProbability: 1);
        var events = IngestSentiment.WithLexicon([.. shop.Events()]);
        var churners = Enumerable.Range(0, 400).Select(shop.User).Where(u => u.ChurnMs is not null).ToDictionary(u => u.UserId, u => u.ChurnMs!.Value, StringComparer.Ordinal);

        var reviews = events.Where(e => e.Type == (byte)EventType.Review).ToList();
        var late = reviews.Where(e => churners.TryGetValue(e.UserId, out var churn) && e.TimestampMs > churn - (10 * 86_400_000L)).Select(e => e.Sentiment!.Value).ToList();
        var others = reviews.Where(e => !churners.ContainsKey(e.UserId)).Select(e => e.Sentiment!.Value).ToList();

        Assert.NotEmpty(late);
        Assert.All(reviews, e => Assert.Null(e.Rating));
        Assert.True(late.Average() < others.Average() - 0.1, $"churners' last reviews {late.Average():F3}, others {others.Average():F3}");
    }

    [Fact]
    public void Events_NoPlanting_TheStreamOfTheShopBeforeReviews()
    {
        var plain = SyntheticData.Shop(3, users: 50, events: 5_000, horizonDays: 20).Events().ToList();

        Assert.DoesNotContain(plain, e => e.Type == (byte)EventType.Review);
        Assert.Contains(plain, e => e.Type == (byte)EventType.Rate);
    }
}
