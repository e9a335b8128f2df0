using Persona.Recommend.Ranking;
using Persona.Serving.Recommendations;

namespace Persona.Server.Tests;

public sealed class RecommendationsOptionsTests
{
    [Fact]
    public void Validate_LearnedBlendWithinRange_Accepted()
    {
        new RecommendationsOptions { Blend = BlendWeights.Heuristic.WithSource("learned").With("sequence", 4).With("coOccurrence", 0.15).With("trending", 0).With("newArrival", 0) }.Validate();
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(101.0)]
    [InlineData(double.NaN)]
    public void Validate_BlendWeightOutOfRange_RefusedNamingIt(double weight)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RecommendationsOptions { Blend = BlendWeights.Heuristic.With("interest", weight) }.Validate());
        Assert.Equal("Invalid recommendation options: blend weights must be within 0..100", ex.Message);
    }

    [Fact]
    public void Validate_NoImpressionsKept_Refused()
    {
        Assert.Throws<ArgumentException>(() => new RecommendationsOptions { ImpressionsKept = 0 }.Validate());
    }
}
