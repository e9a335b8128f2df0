namespace Persona.Recommend.Ranking;

/// <summary>A learned candidate source: scores items for a user (e.g. the sequence model's user embedding against its item table).</summary>
public interface IItemScorer
{
    /// <summary>The model and version, for the answer's <c>model</c> and the impression log.</summary>
    string Name { get; }

    /// <summary>The <paramref name="n"/> best items for the request with their raw scores, best first; empty when the user cannot be scored.</summary>
    IReadOnlyList<(string ItemId, float Score)> Top(RecommendRequest request, int n);
}
