
namespace Persona.Evaluation.Recommenders;

/// <summary>A recommender under evaluation: trained on the training part only, then asked to score every item.</summary>
public interface ISequenceModel
{
    string Name { get; }

    /// <summary>Trains on the users' training sequences (the protocol has already cut off what is held out).</summary>
    void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training);

    /// <summary>
    /// Scores all items for a user whose known history is <paramref name="history"/> (higher is better);
    /// a negative <paramref name="user"/> is an anonymous session known only by its history.
    /// </summary>
    void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores);
}
