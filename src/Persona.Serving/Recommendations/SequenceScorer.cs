using Persona.Models.Artifacts;
using Persona.Models.Serving.Kinds;
using Persona.Recommend.Ranking;

namespace Persona.Serving.Recommendations;

/// <summary>
/// The sequence model as a candidate source: the user's embedding from the recent items, scored against every
/// item embedding exactly (one dot product per item with TensorPrimitives), and the best n taken.
/// </summary>
internal sealed class SequenceScorer(ItemModelArtifact model) : IItemScorer
{
    public string Name => $"sequence@{model.Metadata.Version}";

    public bool Serves(ItemModelArtifact artifact) => ReferenceEquals(model, artifact);

    public IReadOnlyList<(string ItemId, float Score)> Top(RecommendRequest request, int n)
    {
        var recent = request.User?.Recent ?? [];
        if (recent.Count == 0 || model.Sequence is not { } encoder)
        {
            return [];
        }

        var embedding = SequenceModelKind.Embed(model, recent);
        var scores = new float[encoder.ItemCount];
        encoder.Score(embedding, scores);
        return TopOf(scores, n, model.Items);
    }

    /// <summary>The n highest scores, best first (ties: lower index first), by a bounded min-heap.</summary>
    internal static List<(string ItemId, float Score)> TopOf(ReadOnlySpan<float> scores, int n, IReadOnlyList<string> items)
    {
        n = Math.Min(n, scores.Length);
        var heap = new PriorityQueue<int, (float Score, int Negated)>(n + 1);
        for (var i = 0; i < scores.Length; i++)
        {
            if (heap.Count < n)
            {
                heap.Enqueue(i, (scores[i], -i));
            }
            else if (heap.TryPeek(out _, out var min) && (scores[i] > min.Score || (scores[i] == min.Score && -i > min.Negated)))
            {
                heap.DequeueEnqueue(i, (scores[i], -i));
            }
        }

        var result = new List<(string, float)>(heap.Count);
        while (heap.TryDequeue(out var i, out _))
        {
            result.Add((items[i], scores[i]));
        }

        result.Reverse();
        return result;
    }
}
