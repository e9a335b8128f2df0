using Persona.Recommend.Ranking.Features;

namespace Persona.Recommend.Ranking;

/// <summary>
/// The ranking features of the blend, registered by name, one file each (in <c>Ranking/Features</c>). The order
/// here is the order of the feature vectors logged with impressions and of the blend's sum; a new feature is one
/// file and one line here.
/// </summary>
public static class RankingFeatures
{
    internal static IReadOnlyList<IRankingFeature> All { get; } =
    [
        new SequenceFeature(),
        new CoOccurrenceFeature(),
        new InterestFeature(),
        new TrendingFeature(),
        new BuyAgainFeature(),
        new NewArrivalFeature(),
        new ContextFeature(),
        new ClickThroughFeature(),
    ];

    /// <summary>The feature that carries the learned scorer's score: held at 0 where no scorer serves (training from logs, evaluation without one).</summary>
    public const string LearnedScorer = SequenceFeature.Key;

    /// <summary>The features' names, in registry order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(f => f.Name)];

    public static int Count => All.Count;

    /// <summary>The feature's position in registry order, or -1 for a name not registered.</summary>
    public static int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The feature's position in registry order; an unknown name is refused, naming the known ones.</summary>
    public static int Require(string name)
    {
        var i = IndexOf(name);
        return i >= 0 ? i : throw new ArgumentException(Unknown(name), nameof(name));
    }

    /// <summary>The message refusing an unknown feature name.</summary>
    public static string Unknown(string name) => $"unknown ranking feature '{name}'; the features are {string.Join(", ", Names)}";
}
