
namespace Persona.Evaluation.Recommenders;

/// <summary>Uniformly random scores, seeded per user: the floor any model must beat.</summary>
public sealed class RandomModel(int seed) : ISequenceModel
{
    public string Name => "random";

    public void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
    }

    public void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores)
    {
        var rng = new Random(seed ^ (user * 7919));
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = rng.NextSingle();
        }
    }
}
