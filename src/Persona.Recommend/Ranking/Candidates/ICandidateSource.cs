using Persona.Recommend.Ranking.Features;

namespace Persona.Recommend.Ranking.Candidates;

/// <summary>
/// One source of candidates for a request: adds items to <see cref="RankingContext.Candidates"/> and, where it
/// computes a feature's raw signal on the way (the learned scorer's scores, co-occurrence sums), records it in the
/// context for that feature. Registered in <see cref="CandidateSources"/>.
/// </summary>
internal interface ICandidateSource
{
    string Name { get; }

    void Add(RankingContext context);
}
