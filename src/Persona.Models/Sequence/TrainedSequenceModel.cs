namespace Persona.Models.Sequence;

/// <summary>
/// A trained sequence model ready to serve, with its training history: the epochs, the epoch whose weights
/// were kept (best validation NDCG@10), and the largest absolute difference between the served user
/// embeddings and the trained network's on the validation users.
/// </summary>
public sealed record TrainedSequenceModel(IUserEncoder Encoder, IReadOnlyList<SequenceEpochReport> Epochs, int BestEpoch, double ParityMaxAbsDiff, double Seconds)
{
    public SequenceEpochReport Best => Epochs[BestEpoch - 1];

    /// <summary>The self-attentive encoder (the one artifacts store), or an error naming the encoder trained.</summary>
    public SequenceEncoder SelfAttentive => Encoder as SequenceEncoder ?? throw new InvalidOperationException($"sequence model: a {Encoder.GetType().Name} was trained; artifacts hold the self-attentive encoder (--encoder sasrec)");
}
