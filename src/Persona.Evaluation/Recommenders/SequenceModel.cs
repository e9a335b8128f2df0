using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Models.Sequence;

namespace Persona.Evaluation.Recommenders;

/// <summary>
/// The learned sequence model (<see cref="SequenceTrainer"/>: SASRec, or a GRU with <c>--encoder gru</c>,
/// trained with the full softmax) under the
/// ranking protocols: trained on the protocol's training part (its newest item per user validates, for
/// early stopping), then each user's history is encoded and every item scored by its dot product with it.
/// Item attributes are the catalog's tags, brand and category path; event types are the data's (view,
/// cart_add, purchase, …), named as the engine names them, or one type <c>interaction</c> where the data
/// has none.
/// </summary>
public sealed class SequenceModel(SequenceModelOptions options, Action<SequenceEpochReport>? progress = null) : ISequenceModel
{
    private static readonly EventTypes TypeNames = new();

    private IUserEncoder? _encoder;
    private Dictionary<byte, int> _types = [];

    public string Name => options.Encoder == "gru" ? "sequence-gru" : "sequence";

    /// <summary>The trained model, once <see cref="Fit"/> has run.</summary>
    public TrainedSequenceModel? Trained { get; private set; }

    public void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(training);
        var (corpus, _, types) = Build(dataset, training);
        _types = types;
        Trained = SequenceTrainer.Train(corpus, options, progress);
        _encoder = Trained.Encoder;
    }

    public void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores)
    {
        var encoder = _encoder ?? throw new InvalidOperationException("sequence model: Fit first");
        var n = Math.Min(history.Length, encoder.MaxLength);
        var items = new int[n];
        var types = new int[n];
        for (var k = 0; k < n; k++)
        {
            var x = history[history.Length - n + k];
            items[k] = x.Item;
            types[k] = x.Type is { } t ? _types.GetValueOrDefault(t) : 0;
        }

        var embedding = encoder.Encode(items, types);
        encoder.Score(embedding, scores);
    }

    /// <summary>The training sequences as a corpus (attribute ids from the catalog), and the name of each event type id.</summary>
    public static (SequenceCorpus Corpus, IReadOnlyList<string> TypeNames) Corpus(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        var (corpus, names, _) = Build(dataset, training);
        return (corpus, names);
    }

    private static (SequenceCorpus Corpus, IReadOnlyList<string> TypeNames, Dictionary<byte, int> TypeIds) Build(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(training);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var attributes = dataset.Catalog.Select(item => AttributeNames(item).Select(a => ids.TryGetValue(a, out var id) ? id : ids[a] = ids.Count).Distinct().ToArray()).ToArray();
        var codes = training.SelectMany(s => s).Where(x => x.Type is not null).Select(x => x.Type!.Value).Distinct().Order().ToArray();
        if (codes.Length <= 1)
        {
            return (new SequenceCorpus([.. training.Select(s => s.Select(x => x.Item).ToArray())], null, dataset.Items, attributes, ids.Count, 1), ["interaction"], []);
        }

        var typeIds = codes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var corpus = new SequenceCorpus(
            [.. training.Select(s => s.Select(x => x.Item).ToArray())],
            [.. training.Select(s => s.Select(x => x.Type is { } t ? typeIds[t] : 0).ToArray())],
            dataset.Items,
            attributes,
            ids.Count,
            codes.Length);
        return (corpus, [.. codes.Select(c => TypeNames.NameOf(c))], typeIds);
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
