using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Models.Artifacts;
using Persona.Models.Serving;
using Persona.Recommend.Experiments;
using Persona.Recommend.Feedback;
using Persona.Recommend.Index;
using Persona.Recommend.Ranking;

namespace Persona.Serving.Recommendations;

/// <summary>
/// The recommender as served, assembled once: the candidate index kept from the event stream, click feedback
/// per item (<see cref="ItemStats"/>), the blended <see cref="Recommender"/> with its rules, the impressions
/// shown and their attribution, the running experiment, and the sequence model as a scorer when one is in
/// service. The HTTP service (through <see cref="RecommendationService"/>), the command line, offline
/// evaluation and the simulated A/B test all answer through it, so they cannot drift apart. Not thread-safe
/// for <see cref="Observe"/>: one follower feeds it; answers may run on any thread.
/// </summary>
public sealed class ServedRecommender
{
    private readonly RecommendationsOptions _options;
    private SequenceScorer? _scorer;
    private long _observed;

    /// <param name="catalog">The catalog the index and rules read.</param>
    /// <param name="options">Index, blend and rule options; the defaults when null.</param>
    /// <param name="clock">The clock of trending and rules.</param>
    /// <param name="nameOf">How impressions and experiment outcomes name a user: a keyed pseudonym where served; the id itself when null.</param>
    public ServedRecommender(CatalogIndex catalog, RecommendationsOptions? options = null, TimeProvider? clock = null, Func<string, string>? nameOf = null)
    {
        _options = options ?? new RecommendationsOptions();
        _options.Validate();
        Index = new RecommendationIndex(catalog, _options.Index, clock);
        Stats = new ItemStats();
        Recommender = new Recommender(Index, _options.Recommender, Stats);
        Book = new ImpressionBook(_options.ImpressionsKept);
        Attribution = new Attribution(Book, Stats, nameOf);
    }

    public RecommendationIndex Index { get; }

    public Recommender Recommender { get; }

    public ItemStats Stats { get; }

    public ImpressionBook Book { get; }

    public Attribution Attribution { get; }

    /// <summary>
    /// Events taken in by <see cref="Observe"/> with everything they change (index, click feedback and
    /// attribution): a reader that sees this count sees all of their effects.
    /// </summary>
    public long Observed => Interlocked.Read(ref _observed);

    /// <summary>The blend served outside experiments.</summary>
    public BlendWeights Blend => _options.Blend;

    /// <summary>The running experiment's results, if one runs.</summary>
    public ExperimentResults? Experiment
    {
        get => Attribution.Experiment;
        set => Attribution.Experiment = value;
    }

    /// <summary>Takes in events in log order: the index's sources, then attribution of responses to answers.</summary>
    public void Observe(IReadOnlyList<BehaviorEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        Index.Observe(events);
        foreach (var e in events)
        {
            Attribution.Observe(e);
        }

        Interlocked.Add(ref _observed, events.Count);
    }

    /// <summary>
    /// Answers for the variant the user is in (none outside experiments): the popularity policy ranks by trending
    /// alone and without the model; a variant may bring its own blend or leave the model out.
    /// </summary>
    public Recommendation Recommend(RecommendRequest request, string id, IItemScorer? scorer, Variant? variant)
    {
        var popularity = variant?.Policy == Variant.Popularity;
        var weights = popularity ? BlendWeights.Popularity : variant?.Blend ?? Blend;
        var served = popularity || variant is { UseModel: false } ? null : scorer;
        return Recommender.Recommend(request, id, weights, served, variant?.Name);
    }

    /// <summary>Answers with the given blend (a search over weights, an ablation).</summary>
    public Recommendation Recommend(RecommendRequest request, string id, BlendWeights weights, IItemScorer? scorer) =>
        Recommender.Recommend(request, id, weights, scorer);

    /// <summary>Records an answer as shown, so that later clicks and purchases carrying its id are attributed to it.</summary>
    public Impression Shown(Recommendation answer, string? experimentId, long atMs)
    {
        var impression = Impression.Of(answer, experimentId, atMs) with { UserId = Attribution.NameOf(answer.UserId) };
        Attribution.Shown(impression);
        return impression;
    }

    /// <summary>
    /// Drops what the recommender keeps about one user (an erasure): their recent items and purchases in the
    /// index, the answers shown to them, and their outcomes in the running experiment. Returns how many answers
    /// shown to them were still kept.
    /// </summary>
    public int Forget(string userId)
    {
        Index.Forget(userId);
        var name = Attribution.NameOf(userId);
        Experiment?.Forget(name);
        return Book.Forget(name);
    }

    /// <summary>The sequence model of <paramref name="models"/> as a candidate source, or null when none is in service (made once per model).</summary>
    public IItemScorer? Scorer(ModelSet models)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Find<ItemModelArtifact>(ItemModelArtifact.SequenceKind) is not { Sequence: not null } sequence)
        {
            return null;
        }

        var scorer = Volatile.Read(ref _scorer);
        if (scorer is null || !scorer.Serves(sequence))
        {
            scorer = new SequenceScorer(sequence);
            Volatile.Write(ref _scorer, scorer);
        }

        return scorer;
    }
}
