using Persona.Recommend.Ranking.Features;

namespace Persona.Recommend.Ranking.Candidates;

/// <summary>The learned scorer's best items (when one is active and its weight is not 0), each with its softmax relative to the best (<see cref="RankingContext.Learned"/>).</summary>
internal sealed class LearnedScorerSource : ICandidateSource
{
    public string Name => "scorer";

    public void Add(RankingContext context)
    {
        var learned = context.Scored;
        if (learned.Count == 0)
        {
            return;
        }

        var best = learned[0].Score;
        foreach (var (itemId, score) in learned)
        {
            var item = context.Reader.Find(itemId);
            if (item >= 0)
            {
                context.Learned[item] = MathF.Exp(score - best);
                context.Candidates.Add(item);
            }
        }
    }
}
