using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;

namespace Persona.Evaluation.Recommenders;

/// <summary>
/// The engine's own profile as a recommender: the user's history is replayed through
/// <see cref="ProfileEngine"/> (the same code as the service), and an item scores the sum of the user's
/// decayed interest weights over the item's features (categories, brand, tags, price band) at the time of
/// the last history event. A rated interaction replays as a rate event with its stars (a low rating lowers
/// the interest), any other as a purchase. Popularity breaks ties.
/// </summary>
public sealed class InterestModel : ISequenceModel
{
    private ProfileEngine _engine = new(new EngineConfig { MaxInterests = 512 });
    private readonly CatalogIndex _catalog = new();
    private Dictionary<ulong, int[]> _itemsByFeature = [];
    private float[] _popularity = [];
    private SequenceDataset? _dataset;

    public string Name => "interest";

    /// <summary>0: rank by interest match alone; &gt; 0: popularity × (Blend + match).</summary>
    public float Blend { get; init; }

    /// <summary>The engine's settings (by default the defaults, with 512 interests kept per profile).</summary>
    public EngineConfig Config
    {
        get => _engine.Config;
        init => _engine = new ProfileEngine(value);
    }

    public void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(training);
        _dataset = dataset;
        _catalog.Upsert(dataset.Catalog);
        _itemsByFeature = dataset.ItemIds
            .SelectMany((id, item) => (_catalog.Find(id)?.Features ?? []).Select(f => (f, item)))
            .GroupBy(p => p.f)
            .ToDictionary(g => g.Key, g => g.Select(p => p.item).ToArray());
        _popularity = new float[dataset.Items];
        foreach (var seq in training)
        {
            foreach (var x in seq)
            {
                _popularity[x.Item]++;
            }
        }
    }

    public void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores)
    {
        var dataset = _dataset ?? throw new InvalidOperationException("Fit first");
        var state = new ProfileState(user >= 0 && user < dataset.Users ? dataset.UserIds[user] : "session");
        for (var k = 0; k < history.Length; k++)
        {
            var rating = history[k].Rating;
            _engine.Apply(state, new BehaviorEvent
            {
                EventId = k.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Type = rating is null ? (byte)EventType.Purchase : (byte)EventType.Rate,
                UserId = state.UserId,
                ItemId = dataset.ItemIds[history[k].Item],
                TimestampMs = history[k].TimeMs,
                Rating = rating is { } r ? DatasetLoader.Stars(r) : null,
            }, _catalog);
        }

        var now = history.Length == 0 ? 0 : history[^1].TimeMs;
        // Interest match in [0, 1] (share of the best-matching item's weight), blended with popularity:
        // score = popularity × (Blend + match). Blend = 0 ranks by interest only (popularity breaks ties).
        scores.Clear();
        foreach (var (feature, weight) in _engine.Interests(state, now))
        {
            foreach (var item in _itemsByFeature.GetValueOrDefault(feature) ?? [])
            {
                scores[item] += (float)weight;
            }
        }

        var best = 0f;
        foreach (var v in scores)
        {
            best = Math.Max(best, v);
        }

        var maxPop = _popularity.Max() + 1;
        for (var i = 0; i < scores.Length; i++)
        {
            var match = best > 0 ? scores[i] / best : 0;
            var pop = _popularity[i] / maxPop;
            scores[i] = Blend > 0 ? pop * (Blend + match) : match + (pop * 1e-3f);
        }
    }
}
