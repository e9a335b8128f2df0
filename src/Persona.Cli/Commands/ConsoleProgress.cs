using Persona.Evaluation;

namespace Persona.Cli.Commands;

/// <summary>Training progress (epochs, search trials, notes) printed to standard error, for evaluate and train.</summary>
internal static class ConsoleProgress
{
    public static TrainingProgress Training { get; } = new()
    {
        MlpEpoch = MlpOptionSet.PrintEpoch,
        MlpTrial = MlpOptionSet.PrintTrial,
        SequenceEpoch = SequenceOptionSet.PrintEpoch,
        VaeEpoch = VaeOptionSet.PrintEpoch,
        VaeTrial = VaeOptionSet.PrintTrial,
        Log = Console.Error.WriteLine,
    };
}
