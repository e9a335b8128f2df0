
namespace Persona.Evaluation.Recommenders;

/// <summary>
/// Item-item k-nearest neighbours: cosine similarity of items' co-occurrence in users' training histories,
/// <c>c(i,j) / sqrt(c(i) c(j))</c>, keeping each item's <see cref="Neighbours"/> most similar items. A user's
/// score for an item sums its similarity to the user's last <see cref="Recent"/> items, newer ones weighted
/// more. Popularity breaks ties.
/// </summary>
public sealed class ItemKnnModel : ISequenceModel
{
    private (int Item, float Sim)[][] _neighbours = [];
    private float[] _popularity = [];

    public string Name => "itemknn";

    public int Neighbours { get; init; } = 100;

    public int Recent { get; init; } = 5;

    /// <summary>Weight history items by recency (1/distance from the newest); otherwise all count alike.</summary>
    public bool RecencyWeighted { get; init; } = true;

    public void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(training);
        var n = dataset.Items;
        var counts = new float[n];
        var pairs = new Dictionary<int, float>[n];
        foreach (var seq in training)
        {
            var items = seq.Select(x => x.Item).Distinct().ToArray();
            foreach (var i in items)
            {
                counts[i]++;
                var row = pairs[i] ??= [];
                foreach (var j in items)
                {
                    if (i != j)
                    {
                        row[j] = row.GetValueOrDefault(j) + 1;
                    }
                }
            }
        }

        _popularity = counts;
        _neighbours = new (int, float)[n][];
        for (var i = 0; i < n; i++)
        {
            _neighbours[i] = pairs[i] is null
                ? []
                : [.. pairs[i].Select(p => (p.Key, (float)(p.Value / Math.Sqrt(counts[i] * (double)counts[p.Key]))))
                    .OrderByDescending(p => p.Item2).ThenBy(p => p.Key).Take(Neighbours)];
        }
    }

    public void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores)
    {
        var maxPop = _popularity.Length == 0 ? 1 : _popularity.Max() + 1;
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = _popularity[i] / maxPop * 1e-3f; // tie-break only
        }

        var start = Math.Max(0, history.Length - Recent);
        for (var h = start; h < history.Length; h++)
        {
            var weight = RecencyWeighted ? 1f / (history.Length - h) : 1f; // the newest history item counts most
            foreach (var (item, sim) in _neighbours[history[h].Item])
            {
                scores[item] += weight * sim;
            }
        }
    }
}
