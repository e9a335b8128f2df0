namespace Persona.Recommend.Experiments;

/// <summary>An A/B test of recommendation policies: variants with traffic weights; the first variant is the control.</summary>
public sealed record Experiment
{
    public required string Id { get; init; }

    public required IReadOnlyList<Variant> Variants { get; init; }

    /// <summary>Validates the configuration; returns the problems (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Variants is null || Variants.Count < 2)
        {
            problems.Add("variants: at least two (the first is the control)");
            return problems;
        }

        if (Variants.Count > 10)
        {
            problems.Add("variants: at most 10");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Variants.Count; i++)
        {
            var v = Variants[i];
            if (v is null || string.IsNullOrWhiteSpace(v.Name) || v.Name.Length > 64)
            {
                problems.Add($"variants[{i}].name: required, at most 64 characters");
                continue;
            }

            if (!names.Add(v.Name))
            {
                problems.Add($"variants[{i}].name: '{v.Name}' repeats");
            }

            if (v.Weight is <= 0 or > 1_000_000 || double.IsNaN(v.Weight))
            {
                problems.Add($"variants[{i}].weight: must be within (0, 1000000]");
            }

            if (v.Policy is not (Variant.Personalised or Variant.Popularity))
            {
                problems.Add($"variants[{i}].policy: '{v.Policy}' is not one of {Variant.Personalised}, {Variant.Popularity}");
            }

            if (v.Blend is { } b && !b.AllWithin(0, 100))
            {
                problems.Add($"variants[{i}].blend: weights must be within 0..100");
            }
        }

        return problems;
    }
}

/// <summary>One arm: a share of the traffic and the policy it serves.</summary>
public sealed record Variant
{
    public const string Personalised = "personalised";
    public const string Popularity = "popularity";

    public required string Name { get; init; }

    /// <summary>Relative share of users.</summary>
    public double Weight { get; init; } = 1;

    /// <summary><c>personalised</c> (the recommender) or <c>popularity</c> (trending only, the usual control).</summary>
    public string Policy { get; init; } = Personalised;

    /// <summary>Blend weights for this arm (default: the service's).</summary>
    public Ranking.BlendWeights? Blend { get; init; }

    /// <summary>Whether this arm uses the learned scorer when one is active.</summary>
    public bool UseModel { get; init; } = true;
}
