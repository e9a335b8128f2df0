namespace Persona.Core.Views;

/// <summary>
/// The learned parts of a profile: what the active models predict from it, as of the profile's log
/// position and the read's time, each with the version of the model that produced it. Absent parts have
/// no active model.
/// </summary>
public sealed record PredictionsView
{
    /// <summary>The log position of the newest event the predictions saw.</summary>
    public required long Position { get; init; }

    /// <summary>Model kind → version, for every model that contributed.</summary>
    public required IReadOnlyDictionary<string, string> Models { get; init; }

    /// <summary>The interest MLP's distribution over the interest labels, most likely first.</summary>
    public IReadOnlyList<LabelProbability>? PredictedInterests { get; init; }

    /// <summary>P(no activity in the churn model's window).</summary>
    public double? ChurnRisk { get; init; }

    /// <summary>P(a purchase in the propensity model's window).</summary>
    public double? PurchasePropensity { get; init; }

    /// <summary>The sequence model's user embedding after the newest event (score an item by its dot product with the item's embedding).</summary>
    public IReadOnlyList<float>? Embedding { get; init; }
}

/// <summary>One label's predicted probability.</summary>
public sealed record LabelProbability(string Label, double Probability);
