namespace Persona.Models.Training;

/// <summary>One training epoch: mean training loss, validation log loss and top-1 accuracy, and its time.</summary>
public sealed record EpochReport(int Epoch, double TrainLoss, double ValidationLoss, double ValidationTop1, double Seconds);
