namespace Persona.Models.Collaborative;

/// <summary>
/// A trained collaborative VAE with its history: every epoch (early stopping, then the refit if any), the
/// best epoch and its validation NDCG@10, and the largest |served − trained| logit over the training users.
/// </summary>
public sealed record TrainedVae(CollaborativeVae Model, IReadOnlyList<VaeEpochReport> Epochs, int BestEpoch, double BestValidationNdcg10, double ParityMaxAbsDiff, double Seconds);
