using Persona.Models.Training;

namespace Persona.Models.Interest;

/// <summary>
/// Seeded random search over the interest MLP's hyper-parameters: the given options are the first trial,
/// then <c>trials − 1</c> draws of hidden widths, dropout, learning rate, weight decay and batch size. Each
/// trial trains on the training rows with early stopping on the validation rows; the trial with the lowest
/// validation log loss wins. Only the training and validation rows are seen.
/// </summary>
public static class InterestMlpSearch
{
    private static readonly int[][] HiddenChoices = [[64], [128], [256], [128, 64], [256, 128]];
    private static readonly double[] DropoutChoices = [0, 0.1, 0.2, 0.3, 0.5];
    private static readonly double[] LearningRateChoices = [3e-4, 1e-3, 3e-3];
    private static readonly double[] WeightDecayChoices = [0, 1e-5, 1e-4, 1e-3];
    private static readonly int[] BatchChoices = [128, 256, 512];

    /// <summary>The options of each trial, the first being <paramref name="start"/>.</summary>
    public static IReadOnlyList<InterestMlpOptions> Trials(InterestMlpOptions start, int trials, int seed)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        var rng = new Random(seed);
        var list = new List<InterestMlpOptions> { start };
        while (list.Count < trials)
        {
            list.Add(start with
            {
                Hidden = HiddenChoices[rng.Next(HiddenChoices.Length)],
                Dropout = DropoutChoices[rng.Next(DropoutChoices.Length)],
                LearningRate = LearningRateChoices[rng.Next(LearningRateChoices.Length)],
                WeightDecay = WeightDecayChoices[rng.Next(WeightDecayChoices.Length)],
                BatchSize = BatchChoices[rng.Next(BatchChoices.Length)],
            });
        }

        return list;
    }

    /// <summary>Trains every trial and returns the best by validation log loss, with each trial's options and score.</summary>
    public static (TrainedInterestMlp Best, InterestMlpOptions Options, IReadOnlyList<(InterestMlpOptions Options, double ValidationLoss)> Trials) Run(
        LabelledRows train,
        LabelledRows validation,
        InterestMlpOptions start,
        int trials,
        IReadOnlyList<int> copyOffsets,
        Action<int, InterestMlpOptions>? trialStarted = null,
        Action<EpochReport>? progress = null)
    {
        TrainedInterestMlp? best = null;
        InterestMlpOptions? bestOptions = null;
        var scores = new List<(InterestMlpOptions, double)>();
        var n = 0;
        foreach (var options in Trials(start, trials, start.Seed))
        {
            trialStarted?.Invoke(++n, options);
            var trained = InterestMlpTrainer.Train(train, validation, options, copyOffsets, progress);
            var loss = trained.Epochs[trained.BestEpoch - 1].ValidationLoss;
            scores.Add((options, loss));
            if (best is null || loss < best.Epochs[best.BestEpoch - 1].ValidationLoss)
            {
                best = trained;
                bestOptions = options;
            }
        }

        return (best!, bestOptions!, scores);
    }
}
