namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// One ranking feature of the blend: its name (the key of its weight in <see cref="BlendWeights"/> and in blend
/// files), its weight in the heuristic blend, how it values a candidate from the request's state, and what it says
/// when it is among an answer's strongest contributions. Registered in <see cref="RankingFeatures"/>.
/// </summary>
internal interface IRankingFeature
{
    /// <summary>The feature's name: its weight's key in blends and blend files.</summary>
    string Name { get; }

    /// <summary>Its weight in the heuristic blend, the one served out of the box.</summary>
    double HeuristicWeight { get; }

    /// <summary>Whether the values are divided by the largest among the request's candidates (when it is above 0).</summary>
    bool Normalised { get; }

    /// <summary>The candidate's value, in [0, 1] (before normalisation when <see cref="Normalised"/>).</summary>
    float Value(RankingContext context, in Candidate candidate);

    /// <summary>Why the item was chosen when this feature contributes most; null when the value is no reason.</summary>
    string? Reason(RankingContext context, in Candidate candidate, float value);
}
