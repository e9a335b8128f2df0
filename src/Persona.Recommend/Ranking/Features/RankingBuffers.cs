namespace Persona.Recommend.Ranking.Features;

/// <summary>The collections a request fills while it is ranked, pooled between requests (a request's would otherwise be a few hundred KB of garbage).</summary>
internal sealed class RankingBuffers
{
    public HashSet<int> Candidates { get; } = new(1024);

    public Dictionary<int, float> Learned { get; } = new(128);

    public Dictionary<int, (float Sum, int Anchor)> CoOccurrence { get; } = new(512);

    public List<(int Item, float Similarity)> Neighbours { get; } = new(256);

    public void Clear()
    {
        Candidates.Clear();
        Learned.Clear();
        CoOccurrence.Clear();
        Neighbours.Clear();
    }
}
