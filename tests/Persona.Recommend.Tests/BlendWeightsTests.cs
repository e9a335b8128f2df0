using System.Text.Json;
using Persona.Recommend.Ranking;

namespace Persona.Recommend.Tests;

public sealed class BlendWeightsTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private const string HeuristicJson =
        """{"sequence":1,"coOccurrence":0.6,"interest":0.3,"trending":0.15,"buyAgain":0.5,"newArrival":0.1,"context":0.5,"clickThrough":0.1,"source":"heuristic"}""";

    [Fact]
    public void Serialize_Heuristic_BlendFileDocument()
    {
        Assert.Equal(HeuristicJson, JsonSerializer.Serialize(BlendWeights.Heuristic, Web));
    }

    [Fact]
    public void Deserialize_LearnedBlendFile_WritesTheSameDocumentAgain()
    {
        const string learned =
            """{"sequence":0,"coOccurrence":2.4,"interest":0.075,"trending":0,"buyAgain":0.5,"newArrival":0.4,"context":0.5,"clickThrough":0.025,"source":"learned"}""";
        var weights = JsonSerializer.Deserialize<BlendWeights>(learned, Web)!;
        Assert.Equal(2.4, weights["coOccurrence"]);
        Assert.Equal("learned", weights.Source);
        Assert.Equal(learned, JsonSerializer.Serialize(weights, Web));
    }

    [Fact]
    public void Deserialize_FeatureLeftOut_KeepsItsHeuristicWeight()
    {
        var weights = JsonSerializer.Deserialize<BlendWeights>("""{"trending":1}""", Web)!;
        Assert.Equal(1, weights["trending"]);
        Assert.Equal(0.6, weights["coOccurrence"]);
        Assert.Equal("heuristic", weights.Source);
    }

    [Fact]
    public void Deserialize_SourceOverTheCap_Refused()
    {
        var at = JsonSerializer.Deserialize<BlendWeights>($$"""{"source":"{{new string('s', 200)}}"}""", Web)!;
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<BlendWeights>($$"""{"source":"{{new string('s', 201)}}"}""", Web));

        Assert.Equal(200, at.Source.Length);
        Assert.Equal("blend: source must be a string of at most 200 characters", ex.Message);
    }

    [Fact]
    public void Deserialize_UnknownFeature_RefusedNamingTheFeatures()
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<BlendWeights>("""{"sequence":1,"coocurrence":0.6}""", Web));
        Assert.StartsWith(
            "blend: unknown ranking feature 'coocurrence'; the features are sequence, coOccurrence, interest, trending, buyAgain, newArrival, context, clickThrough",
            ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Indexer_UnknownFeature_Refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => BlendWeights.Heuristic["popularity"]);
        Assert.StartsWith("unknown ranking feature 'popularity'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Popularity_TrendingAlone()
    {
        Assert.Equal([("sequence", 0.0), ("coOccurrence", 0), ("interest", 0), ("trending", 1), ("buyAgain", 0), ("newArrival", 0), ("context", 0), ("clickThrough", 0)], BlendWeights.Popularity.Entries);
        Assert.Equal("popularity", BlendWeights.Popularity.Source);
    }

    [Fact]
    public void Without_NamedFeatures_ZeroAndTheRestKept()
    {
        var weights = BlendWeights.Heuristic.Without(["sequence", "context"]);
        Assert.Equal(0, weights["sequence"]);
        Assert.Equal(0, weights["context"]);
        Assert.Equal(0.6, weights["coOccurrence"]);
        Assert.Equal(BlendWeights.Heuristic.With("sequence", 0).With("context", 0), weights);
    }

    [Fact]
    public void Names_Registry_UniqueInBlendOrder()
    {
        Assert.Equal(["sequence", "coOccurrence", "interest", "trending", "buyAgain", "newArrival", "context", "clickThrough"], RankingFeatures.Names);
        Assert.Equal(RankingFeatures.Count, RankingFeatures.Names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Run_FeatureFixedAtZeroByName_StaysZero()
    {
        // The objective rewards every weight; the fixed one must not move.
        var (weights, _) = BlendSearch.Run(w => w.Entries.Sum(e => e.Weight), BlendWeights.Heuristic, "t", rounds: 1, fixedAtZero: ["interest"]);
        Assert.Equal(0, weights["interest"]);
        Assert.Equal(4, weights["sequence"]);
        Assert.Equal("t", weights.Source);
    }

    [Fact]
    public void Run_UnknownFeatureFixed_Refused()
    {
        Assert.Throws<ArgumentException>(() => BlendSearch.Run(_ => 0, BlendWeights.Heuristic, "t", fixedAtZero: ["seqence"]));
    }
}
