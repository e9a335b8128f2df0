using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Features.Families;

namespace Persona.Core.Features;

/// <summary>
/// The profile as a model input: <c>(profile state, catalog, now) → float[]</c>, with a named schema
/// (<see cref="Schema"/>) and its hash. Training rows (<see cref="PointInTimeReplay"/>) and serving both call
/// <see cref="Extract(ProfileState, ICatalogView, long, Span{float})"/>, so a model sees the same numbers offline
/// and online. Every input is bounded and defined for a new profile: counts and amounts as log1p, times in days
/// as log1p, rates and shares in [0, 1]. A pure read: the state is not changed.
/// </summary>
/// <remarks>
/// Each family of inputs (<c>Features/Families</c>, one file each) defines its names and its writer together,
/// and every extraction checks that each family wrote one value per name; the schema is the families' names in
/// the order registered here. Version 1 inputs, in order: activity (events, tenure, idle); per built-in event
/// type its total, its 1 h, 24 h, 7 d and 30 d windows, and the days since its last event; money (monetary,
/// mean order value, units, price level); funnel (conversion, cart abandonment); sessions (count, mean events,
/// mean seconds, bounce rate, one open now); ratings (mean stars around the engine's centre, count); satisfaction (score,
/// evidence now, signals);
/// recommendation clicks and purchases; the share of events per UTC hour and weekday; the lifecycle stage
/// one-hot; then per interest label its share of the decayed category interest, the interest mass, and the
/// recent item sequence's label shares and its newest item's label. docs/MODELS.md lists the names.
/// </remarks>
public sealed class FeatureExtractor
{
    /// <summary>Bumped whenever an input's meaning or the order changes (the hash changes with it).</summary>
    public const int Version = 2;

    private readonly ProfileReader _reader;
    private readonly IFeatureFamily[] _families;

    /// <param name="engine">The engine whose profiles are read.</param>
    /// <param name="labels">The interest labels.</param>
    /// <param name="without">Families left out, by the first part of their feature names (<c>satisfaction</c>): to measure what a family adds.</param>
    public FeatureExtractor(ProfileEngine engine, InterestLabels labels, IReadOnlyCollection<string>? without = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(labels);
        _reader = new ProfileReader(engine);
        Labels = labels;
        IFeatureFamily[] families =
        [
            new ActivityFeatures(),
            new EventTypeFeatures(engine),
            new MoneyFeatures(),
            new FunnelFeatures(),
            new SessionFeatures(),
            new RatingFeatures(engine),
            new SatisfactionFeatures(engine),
            new RecommendationFeatures(),
            new TimeOfWeekFeatures(),
            new LifecycleFeatures(_reader),
            new InterestFeatures(engine, labels),
            new RecentItemFeatures(labels),
        ];
        _families = [.. families.Where(f => without is null || !without.Contains(f.Names[0].Split('.')[0]))];
        Schema = new FeatureSchema(Version, [.. _families.SelectMany(f => f.Names)]);
    }

    public FeatureSchema Schema { get; }

    public InterestLabels Labels { get; }

    public int Width => Schema.Width;

    /// <summary>The features of <paramref name="state"/> as of <paramref name="nowMs"/>, as a new array.</summary>
    public float[] Extract(ProfileState state, ICatalogView catalog, long nowMs)
    {
        var x = new float[Width];
        Extract(state, catalog, nowMs, x);
        return x;
    }

    /// <summary>Writes the features of <paramref name="state"/> as of <paramref name="nowMs"/> into <paramref name="into"/> (exactly <see cref="Width"/> long).</summary>
    public void Extract(ProfileState state, ICatalogView catalog, long nowMs, Span<float> into)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(catalog);
        if (into.Length != Width)
        {
            throw new ArgumentException($"features: the span holds {into.Length} values, the schema {Width}", nameof(into));
        }

        into.Clear();
        if (state.EventCount == 0)
        {
            return;
        }

        var input = new FeatureInput(state, catalog, nowMs, _reader.Finished(state, nowMs));
        var at = 0;
        foreach (var family in _families)
        {
            var w = new FeatureWriter(into.Slice(at, family.Names.Count));
            family.Write(input, ref w);
            w.End(family);
            at += family.Names.Count;
        }
    }
}
