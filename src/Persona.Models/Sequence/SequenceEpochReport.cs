namespace Persona.Models.Sequence;

/// <summary>One epoch of the sequence model: mean training cross-entropy, validation HR@10 and NDCG@10 (full ranking), and its time.</summary>
public sealed record SequenceEpochReport(int Epoch, double TrainLoss, double ValidationHr10, double ValidationNdcg10, double Seconds);
