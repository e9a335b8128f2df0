namespace Persona.Models.Collaborative;

/// <summary>One epoch of the VAE: mean training loss (negative multinomial log-likelihood + β·KL), the KL weight β, validation NDCG@10 (NaN while refitting) and its time.</summary>
public sealed record VaeEpochReport(int Epoch, double TrainLoss, double Beta, double ValidationNdcg10, double Seconds, bool Refit);
