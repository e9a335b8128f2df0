
namespace Persona.Evaluation.Recommenders;

/// <summary>
/// Global popularity: the number of training interactions of each item. With <c>leaky</c> it counts the
/// whole dataset, held-out test items included: that is what reproduces the PopRec row of the S3-Rec
/// tables exactly (HR@10 0.0152, NDCG@10 0.0068 on Beauty), so the published PopRec saw its test data.
/// </summary>
public sealed class PopularityModel(bool leaky = false) : ISequenceModel
{
    private float[] _counts = [];

    public string Name => leaky ? "popularity-all" : "popularity";

    public void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(training);
        _counts = new float[dataset.Items];
        foreach (var seq in leaky ? dataset.Sequences : training)
        {
            foreach (var x in seq)
            {
                _counts[x.Item]++;
            }
        }
    }

    public void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores) => _counts.CopyTo(scores);
}
