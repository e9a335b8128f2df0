using Persona.Models.Collaborative;

namespace Persona.Evaluation.Recommenders;

/// <summary>
/// The collaborative VAE (<see cref="VaeTrainer"/>, Mult-VAE) under the ranking protocols: trained on the
/// users' training item sets (order ignored), then each user's known items are encoded and every item scored
/// by the decoder.
/// </summary>
public sealed class VaeModel(VaeOptions options, Action<VaeEpochReport>? progress = null, int search = 1, Action<int, VaeOptions>? trialStarted = null, int refine = 0) : ISequenceModel
{
    private CollaborativeVae? _model;

    public string Name => "vae";

    public TrainedVae? Trained { get; private set; }

    /// <summary>The options that won the search (the given ones without a search).</summary>
    public VaeOptions? Chosen { get; private set; }

    /// <summary>Each search trial's options, best epoch and validation NDCG@10 (empty without a search).</summary>
    public IReadOnlyList<(VaeOptions Options, int BestEpoch, double ValidationNdcg10)> Trials { get; private set; } = [];

    public void Fit(SequenceDataset dataset, IReadOnlyList<Interaction[]> training)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(training);
        var (trained, chosen, trials) = VaeSearch.Run([.. training.Select(s => s.Select(x => x.Item).ToArray())], dataset.Items, options, search, trialStarted, progress, refine);
        Trained = trained;
        Chosen = chosen;
        Trials = trials;
        _model = Trained.Model;
    }

    public void Score(int user, ReadOnlySpan<Interaction> history, Span<float> scores)
    {
        var model = _model ?? throw new InvalidOperationException("vae: Fit first");
        var items = new int[history.Length];
        for (var k = 0; k < items.Length; k++)
        {
            items[k] = history[k].Item;
        }

        model.Score(model.Encode(items), scores);
    }
}
