using Persona.Models.Collaborative;
using Persona.Models.Interest;
using Persona.Models.Sequence;
using Persona.Models.Training;

namespace Persona.Evaluation;

/// <summary>Where a run reports the progress of the models it trains (epochs, search trials, notes); each may be null.</summary>
public sealed record TrainingProgress
{
    public Action<EpochReport>? MlpEpoch { get; init; }

    public Action<int, InterestMlpOptions>? MlpTrial { get; init; }

    public Action<SequenceEpochReport>? SequenceEpoch { get; init; }

    public Action<VaeEpochReport>? VaeEpoch { get; init; }

    public Action<int, VaeOptions>? VaeTrial { get; init; }

    public Action<string>? Log { get; init; }
}
