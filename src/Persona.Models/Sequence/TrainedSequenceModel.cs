namespace Persona.Models.Sequence;

/// <summary>
/// A trained sequence model ready to serve, with its training history: the epochs, the epoch whose weights
/// were kept (best validation NDCG@10), and the largest absolute difference between the served user
/// embeddings and the trained network's on the validation users.
/// </summary>
public sealed record TrainedSequenceModel(SequenceEncoder Encoder, IReadOnlyList<SequenceEpochReport> Epochs, int BestEpoch, double ParityMaxAbsDiff, double Seconds)
{
    public SequenceEpochReport Best => Epochs[BestEpoch - 1];
}
