using Persona.Models.Training;

namespace Persona.Models.Interest;

/// <summary>
/// The outcome of training: the served model (<see cref="Model"/>), every epoch's report, the epoch whose
/// weights were kept, and the TorchSharp network's own predictions on the validation rows (to check that
/// the served model computes the same).
/// </summary>
public sealed record TrainedInterestMlp(InterestMlp Model, float[] TorchValidationPredictions, IReadOnlyList<EpochReport> Epochs, int BestEpoch)
{
    /// <summary>The largest absolute difference between the served model's and TorchSharp's probabilities on the validation rows.</summary>
    public float ParityMaxAbsDiff(LabelledRows validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        var k = Model.Classes;
        var p = new float[k];
        var max = 0f;
        for (var i = 0; i < validation.Count; i++)
        {
            Model.Predict(validation.Row(i), p);
            for (var l = 0; l < k; l++)
            {
                max = Math.Max(max, Math.Abs(p[l] - TorchValidationPredictions[(i * k) + l]));
            }
        }

        return max;
    }
}
