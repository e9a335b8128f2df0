using Persona.Recommend.Ranking.Features;

namespace Persona.Recommend.Ranking.Candidates;

/// <summary>
/// Neighbours of the anchors (the item on the page first, then the recent items newest first, each once; at most
/// <see cref="RecommenderOptions.CoOccurrenceAnchors"/>), <see cref="RecommenderOptions.NeighboursPerAnchor"/> each,
/// the newest anchors weighing most (0.85^position); the sums and the strongest anchor go to
/// <see cref="RankingContext.CoOccurrence"/>.
/// </summary>
internal sealed class CoOccurrenceSource : ICandidateSource
{
    private const float AnchorDecay = 0.85f;

    public string Name => "coOccurrence";

    public void Add(RankingContext context)
    {
        var anchors = Anchors(context);
        var neighbours = context.Neighbours;
        for (var p = 0; p < anchors.Count; p++)
        {
            var decay = MathF.Pow(AnchorDecay, p);
            context.Reader.Neighbours(anchors[p], context.Options.NeighboursPerAnchor, neighbours);
            foreach (var (item, sim) in neighbours)
            {
                var (sum, anchor) = context.CoOccurrence.GetValueOrDefault(item);
                var add = decay * sim;
                if (sum == 0 || add > sum)
                {
                    anchor = anchors[p];
                }

                context.CoOccurrence[item] = (sum + add, anchor);
                context.Candidates.Add(item);
            }
        }
    }

    private static List<int> Anchors(RankingContext context)
    {
        var r = context.Reader;
        var anchors = new List<int>(context.Options.CoOccurrenceAnchors);
        if (context.Request.Context.GetValueOrDefault("item") is { } page && r.Find(page) is >= 0 and var pageId)
        {
            anchors.Add(pageId);
        }

        foreach (var recent in context.Request.User?.Recent ?? [])
        {
            if (anchors.Count >= context.Options.CoOccurrenceAnchors)
            {
                break;
            }

            var item = r.Find(recent.ItemId);
            if (item >= 0 && !anchors.Contains(item))
            {
                anchors.Add(item);
            }
        }

        return anchors;
    }
}
