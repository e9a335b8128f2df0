namespace Persona.Models.Sentiment;

/// <summary>
/// The sentiment trainer's settings. The search tries word pairs on and off, the lexicon's score as a feature or
/// not, and each of <see cref="L2"/>'s
/// strengths, training each head with AdaGrad until its validation score stops improving for
/// <see cref="Patience"/> epochs, and keeps what scores best on the validation reviews (AUC for the "pleased"
/// head, mean absolute error for the stars head); the chosen settings are then trained again on training and
/// validation reviews together for the chosen number of epochs.
/// </summary>
public sealed record SentimentOptions
{
    /// <summary>Log2 of the feature buckets.</summary>
    public int Bits { get; init; } = 18;

    /// <summary>The word-pair settings tried.</summary>
    public IReadOnlyList<bool> Bigrams { get; init; } = [false, true];

    /// <summary>Whether the lexicon's score is a feature, tried both ways.</summary>
    public IReadOnlyList<bool> Lexicon { get; init; } = [false, true];

    /// <summary>The L2 strengths tried.</summary>
    public IReadOnlyList<double> L2 { get; init; } = [1e-6, 1e-5, 1e-4];

    public double LearningRate { get; init; } = 0.3;

    public int MaxEpochs { get; init; } = 60;

    public int Patience { get; init; } = 3;

    public int Seed { get; init; } = 42;

    /// <summary>Refuses settings the trainer cannot run.</summary>
    public void Validate()
    {
        if (Bits is < 8 or > 24)
        {
            throw new ArgumentException("sentiment: bits must be within 8..24");
        }

        if (Bigrams.Count == 0 || Lexicon.Count == 0 || L2.Count == 0 || L2.Any(l => l < 0 || !double.IsFinite(l)))
        {
            throw new ArgumentException("sentiment: at least one word-pair setting and one non-negative L2 strength");
        }

        if (LearningRate <= 0 || MaxEpochs < 1 || Patience < 1)
        {
            throw new ArgumentException("sentiment: learning rate, epochs and patience must be positive");
        }
    }
}
