using Persona.Core.Catalog;
using Persona.Evaluation.Loaders;
using Persona.Models.Sequence;

namespace Persona.Evaluation.Models;

/// <summary>
/// The learned sequence model (<see cref="SequenceTrainer"/>, SASRec with the full softmax) under the
/// ranking protocols: trained on the protocol's training part (its newest item per user validates, for
/// early stopping), then each user's history is encoded and every item scored by its dot product with it.
/// Item attributes are the catalog's tags, brand and category path.
/// </summary>
public sealed class SequenceModel(SequenceModelOptions options, Action<SequenceEpochReport>? progress = null) : ISequenceModel
{
    private SequenceEncoder? _encoder;

    public string Name => "sequence";

    /// <summary>The trained model, once <see cref="Fit"/> has run.</summary>
    public TrainedSequenceModel? Trained { get; private set; }

    public void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(training);
        Trained = SequenceTrainer.Train(Corpus(dataset, training), options, progress);
        _encoder = Trained.Encoder;
    }

    public void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores)
    {
        var encoder = _encoder ?? throw new InvalidOperationException("sequence model: Fit first");
        var n = Math.Min(history.Length, encoder.MaxLength);
        var items = new int[n];
        for (var k = 0; k < n; k++)
        {
            items[k] = history[history.Length - n + k].Item;
        }

        var embedding = encoder.Encode(items, new int[n]);
        encoder.Score(embedding, scores);
    }

    /// <summary>The training sequences as a corpus, with attribute ids from the catalog.</summary>
    public static SequenceCorpus Corpus(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(training);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var attributes = dataset.Catalog.Select(item => AttributeNames(item).Select(a => ids.TryGetValue(a, out var id) ? id : ids[a] = ids.Count).Distinct().ToArray()).ToArray();
        return new SequenceCorpus([.. training.Select(s => s.Select(x => x.Item).ToArray())], null, dataset.Items, attributes, ids.Count, 1);
    }

    private static IEnumerable<string> AttributeNames(CatalogItem item)
    {
        foreach (var tag in item.Tags)
        {
            yield return "tag:" + tag;
        }

        if (item.Brand is { } brand)
        {
            yield return "brand:" + brand;
        }

        for (var depth = 1; depth <= item.CategoryPath.Count; depth++)
        {
            yield return "category:" + string.Join('/', item.CategoryPath.Take(depth));
        }
    }
}
