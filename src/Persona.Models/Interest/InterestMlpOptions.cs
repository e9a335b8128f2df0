namespace Persona.Models.Interest;

/// <summary>Hyper-parameters of the interest MLP; defaults are a reasonable start, <c>--search</c> tunes them on validation data.</summary>
public sealed record InterestMlpOptions
{
    /// <summary>Widths of the hidden ReLU layers.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [128];

    public double Dropout { get; init; } = 0.2;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Adam's L2 penalty.</summary>
    public double WeightDecay { get; init; } = 1e-5;

    public int BatchSize { get; init; } = 256;

    public int MaxEpochs { get; init; } = 30;

    /// <summary>Epochs without a better validation log loss before training stops (the best epoch's weights are kept).</summary>
    public int Patience { get; init; } = 3;

    public int Seed { get; init; } = 42;

    /// <summary>libtorch's intra-op threads (0: its default).</summary>
    public int Threads { get; init; }

    public void Validate()
    {
        var errors = new List<string>();
        if (Hidden.Count is < 1 or > 4 || Hidden.Any(h => h is < 1 or > 4096))
        {
            errors.Add("hidden: 1 to 4 layers of 1..4096 units");
        }

        if (Dropout is < 0 or >= 1)
        {
            errors.Add("dropout: within [0, 1)");
        }

        if (LearningRate is <= 0 or > 1)
        {
            errors.Add("learningRate: within (0, 1]");
        }

        if (WeightDecay < 0)
        {
            errors.Add("weightDecay: not negative");
        }

        if (BatchSize is < 1 or > 65_536)
        {
            errors.Add("batchSize: within 1..65536");
        }

        if (MaxEpochs is < 1 or > 1000 || Patience < 1)
        {
            errors.Add("maxEpochs within 1..1000, patience at least 1");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("interest mlp options: " + string.Join("; ", errors));
        }
    }
}
