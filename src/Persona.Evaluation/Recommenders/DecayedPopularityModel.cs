
namespace Persona.Evaluation.Recommenders;

/// <summary>
/// Time-decayed popularity: each training interaction counts 2^(−age / half-life), its age measured from
/// the newest training interaction, so recent demand outweighs old.
/// </summary>
public sealed class DecayedPopularityModel(TimeSpan halfLife) : ISequenceModel
{
    private float[] _scores = [];

    public string Name => "popularity-decayed";

    public void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(training);
        var newest = training.Where(s => s.Length > 0).Select(s => s.Max(x => x.TimeMs)).DefaultIfEmpty(0).Max();
        var h = halfLife.TotalMilliseconds;
        var scores = new double[dataset.Items];
        foreach (var seq in training)
        {
            foreach (var x in seq)
            {
                scores[x.Item] += Math.Pow(2, -(newest - x.TimeMs) / h);
            }
        }

        _scores = [.. scores.Select(s => (float)s)];
    }

    public void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores) => _scores.CopyTo(scores);
}
