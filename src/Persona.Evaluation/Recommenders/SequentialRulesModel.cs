
namespace Persona.Evaluation.Recommenders;

/// <summary>
/// Sequential rules (Ludewig and Jannach's "SR", a strong session baseline): every pair of items a and b
/// where b follows a within <see cref="Steps"/> positions in a training sequence adds 1/distance to the
/// rule a → b. An item's score is the weight of the rule from the history's last item; popularity breaks
/// ties.
/// </summary>
public sealed class SequentialRulesModel : ISequenceModel
{
    private Dictionary<int, float>[] _rules = [];
    private float[] _popularity = [];

    public string Name => "sequential-rules";

    public int Steps { get; init; } = 10;

    public void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(training);
        _rules = new Dictionary<int, float>[dataset.Items];
        _popularity = new float[dataset.Items];
        foreach (var seq in training)
        {
            for (var i = 0; i < seq.Length; i++)
            {
                _popularity[seq[i].Item]++;
                for (var j = i + 1; j < seq.Length && j - i <= Steps; j++)
                {
                    var row = _rules[seq[i].Item] ??= [];
                    row[seq[j].Item] = row.GetValueOrDefault(seq[j].Item) + (1f / (j - i));
                }
            }
        }
    }

    public void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores)
    {
        var maxPop = _popularity.Length == 0 ? 1 : _popularity.Max() + 1;
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = _popularity[i] / maxPop * 1e-3f; // tie-break only
        }

        if (history.Length > 0 && _rules[history[^1].Item] is { } rules)
        {
            foreach (var (item, weight) in rules)
            {
                scores[item] += weight;
            }
        }
    }
}
