using System.Text.Json.Serialization;
using Persona.Recommend.Ranking.Features;

namespace Persona.Recommend.Ranking;

/// <summary>
/// The ranking blend: a candidate's score is the weighted sum of its features (see <see cref="RankingFeatures"/>),
/// each weight looked up by its feature's name. <see cref="Heuristic"/> (each feature's heuristic weight) serves out
/// of the box; learned weights (chosen on validation data by coordinate ascent, <see cref="BlendSearch"/>) replace it
/// when given. In JSON: <c>{"sequence": 1, "coOccurrence": 0.6, ..., "source": "heuristic"}</c>
/// (<see cref="BlendWeightsJsonConverter"/>).
/// </summary>
[JsonConverter(typeof(BlendWeightsJsonConverter))]
public sealed class BlendWeights : IEquatable<BlendWeights>
{
    private readonly double[] _weights;

    private BlendWeights(double[] weights, string source)
    {
        _weights = weights;
        Source = source;
    }

    /// <summary>Where the weights came from, e.g. "heuristic" or "learned:beauty-validation".</summary>
    public string Source { get; }

    /// <summary>The weight of the named feature; an unknown name is refused.</summary>
    public double this[string name] => _weights[RankingFeatures.Require(name)];

    /// <summary>Each feature's name and weight, in registry order.</summary>
    public IReadOnlyList<(string Name, double Weight)> Entries => [.. RankingFeatures.Names.Select((name, i) => (name, _weights[i]))];

    /// <summary>Each feature at its heuristic weight.</summary>
    public static BlendWeights Heuristic { get; } = new([.. RankingFeatures.All.Select(f => f.HeuristicWeight)], "heuristic");

    /// <summary>Trending alone: the popularity policy of experiments and simulations.</summary>
    public static BlendWeights Popularity { get; } = Zero("popularity").With(TrendingFeature.Key, 1);

    /// <summary>The weights in registry order, as the blend sums them.</summary>
    internal ReadOnlySpan<double> Vector => _weights;

    /// <summary>Every feature at 0.</summary>
    public static BlendWeights Zero(string source) => new(new double[RankingFeatures.Count], Checked(source));

    /// <summary>The named weights; a feature not named keeps its heuristic weight, an unknown name is refused.</summary>
    public static BlendWeights Of(IEnumerable<KeyValuePair<string, double>> weights, string source)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var w = Heuristic._weights.ToArray();
        foreach (var (name, weight) in weights)
        {
            w[RankingFeatures.Require(name)] = weight;
        }

        return new(w, Checked(source));
    }

    /// <summary>These weights with the named feature at <paramref name="weight"/>.</summary>
    public BlendWeights With(string name, double weight)
    {
        var w = _weights.ToArray();
        w[RankingFeatures.Require(name)] = weight;
        return new(w, Source);
    }

    /// <summary>These weights with the named features at 0 (to leave sources out).</summary>
    public BlendWeights Without(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var w = _weights.ToArray();
        foreach (var name in names)
        {
            w[RankingFeatures.Require(name)] = 0;
        }

        return new(w, Source);
    }

    /// <summary>The same weights from another source.</summary>
    public BlendWeights WithSource(string source) => new(_weights, Checked(source));

    /// <summary>Whether every weight is a number within <paramref name="min"/>..<paramref name="max"/>.</summary>
    public bool AllWithin(double min, double max) => _weights.All(w => w >= min && w <= max);

    public bool Equals(BlendWeights? other) =>
        other is not null && string.Equals(Source, other.Source, StringComparison.Ordinal) && _weights.AsSpan().SequenceEqual(other._weights);

    public override bool Equals(object? obj) => Equals(obj as BlendWeights);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Source, StringComparer.Ordinal);
        foreach (var w in _weights)
        {
            hash.Add(w);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(' ', Entries.Select(e => FormattableString.Invariant($"{e.Name}={e.Weight}"))) + $" ({Source})";

    private static string Checked(string source) => source ?? throw new ArgumentNullException(nameof(source));
}
