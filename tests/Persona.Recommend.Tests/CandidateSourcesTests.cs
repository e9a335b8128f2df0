using Persona.Recommend.Ranking.Candidates;

namespace Persona.Recommend.Tests;

public sealed class CandidateSourcesTests
{
    [Fact]
    public void All_Registry_EachSourceOnceInTheOrderAsked()
    {
        Assert.Equal(
            ["scorer", "coOccurrence", "interest", "context", "trending", "newArrival", "buyAgain"],
            CandidateSources.All.Select(s => s.Name));
    }
}
