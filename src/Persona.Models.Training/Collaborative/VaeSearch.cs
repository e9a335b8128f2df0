namespace Persona.Models.Collaborative;

/// <summary>
/// Seeded search over the VAE's hyper-parameters. First a random phase: the given options are the first
/// trial, then <c>trials − 1</c> draws of widths, dropout, learning rate, weight decay, KL cap (0: a
/// denoising autoencoder), batch size and the steps over which the KL weight rises. Then an optional local
/// phase: <c>refine</c> trials, each the best configuration so far with one setting moved to a neighbouring
/// value (seeded; configurations already tried are skipped). Each trial trains with early stopping on the
/// held-out part of the training items; the best validation NDCG@10 wins and is then trained on all
/// training items for its best epoch count. Only the training items are seen.
/// </summary>
public static class VaeSearch
{
    private static readonly int[] HiddenChoices = [100, 200, 400, 600];
    private static readonly int[] LatentChoices = [50, 100, 200];
    private static readonly float[] DropoutChoices = [0.3f, 0.5f, 0.7f];
    private static readonly float[] LearningRateChoices = [3e-4f, 1e-3f, 3e-3f];
    private static readonly float[] WeightDecayChoices = [0, 1e-4f, 1e-3f, 1e-2f];
    private static readonly float[] AnnealCapChoices = [0f, 0.1f, 0.2f, 0.5f, 1f];
    private static readonly int[] AnnealStepChoices = [2_000, 20_000];
    private static readonly int[] BatchChoices = [32, 64, 128];

    public static IReadOnlyList<VaeOptions> Trials(VaeOptions start, int trials, int seed)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        var rng = new Random(seed);
        var list = new List<VaeOptions> { start };
        while (list.Count < trials)
        {
            list.Add(start with
            {
                Hidden = HiddenChoices[rng.Next(HiddenChoices.Length)],
                Latent = LatentChoices[rng.Next(LatentChoices.Length)],
                Dropout = DropoutChoices[rng.Next(DropoutChoices.Length)],
                LearningRate = LearningRateChoices[rng.Next(LearningRateChoices.Length)],
                WeightDecay = WeightDecayChoices[rng.Next(WeightDecayChoices.Length)],
                AnnealCap = AnnealCapChoices[rng.Next(AnnealCapChoices.Length)],
                BatchSize = BatchChoices[rng.Next(BatchChoices.Length)],
                AnnealSteps = AnnealStepChoices[rng.Next(AnnealStepChoices.Length)],
            });
        }

        return list;
    }

    /// <summary>The options with one setting moved one step along its list of choices.</summary>
    internal static VaeOptions Neighbour(VaeOptions o, Random rng)
    {
        static T Step<T>(T[] choices, T value, Random rng)
        {
            var i = Array.IndexOf(choices, value);
            i = i < 0 ? rng.Next(choices.Length) : Math.Clamp(i + (rng.Next(2) == 0 ? -1 : 1), 0, choices.Length - 1);
            return choices[i];
        }

        return rng.Next(8) switch
        {
            0 => o with { Hidden = Step(HiddenChoices, o.Hidden, rng) },
            1 => o with { Latent = Step(LatentChoices, o.Latent, rng) },
            2 => o with { Dropout = Step(DropoutChoices, o.Dropout, rng) },
            3 => o with { LearningRate = Step(LearningRateChoices, o.LearningRate, rng) },
            4 => o with { WeightDecay = Step(WeightDecayChoices, o.WeightDecay, rng) },
            5 => o with { AnnealCap = Step(AnnealCapChoices, o.AnnealCap, rng) },
            6 => o with { AnnealSteps = Step(AnnealStepChoices, o.AnnealSteps, rng) },
            _ => o with { BatchSize = Step(BatchChoices, o.BatchSize, rng) },
        };
    }

    /// <summary>Runs the trials and trains the winner on all items (or keeps its early-stopped network when <see cref="VaeOptions.Refit"/> is off).</summary>
    public static (TrainedVae Best, VaeOptions Options, IReadOnlyList<(VaeOptions Options, int BestEpoch, double ValidationNdcg10)> Trials) Run(
        IReadOnlyList<int[]> userItems,
        int itemCount,
        VaeOptions start,
        int trials,
        Action<int, VaeOptions>? trialStarted = null,
        Action<VaeEpochReport>? progress = null,
        int refine = 0)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentOutOfRangeException.ThrowIfNegative(refine);
        if (trials == 1 && refine == 0)
        {
            return (VaeTrainer.Train(userItems, itemCount, start, progress), start, []);
        }

        TrainedVae? best = null;
        VaeOptions? bestOptions = null;
        var scores = new List<(VaeOptions, int, double)>();
        var n = 0;
        void Try(VaeOptions options)
        {
            trialStarted?.Invoke(++n, options);
            var trained = VaeTrainer.Train(userItems, itemCount, options with { Refit = false }, progress);
            scores.Add((options, trained.BestEpoch, trained.BestValidationNdcg10));
            if (best is null || trained.BestValidationNdcg10 > best.BestValidationNdcg10)
            {
                best = trained;
                bestOptions = options;
            }
        }

        foreach (var options in Trials(start, trials, start.Seed))
        {
            Try(options);
        }

        var rng = new Random(start.Seed + 1);
        for (var r = 0; r < refine; r++)
        {
            var next = Enumerable.Range(0, 50).Select(_ => Neighbour(bestOptions!, rng)).FirstOrDefault(o => !scores.Any(s => s.Item1 == o));
            if (next is null)
            {
                break; // every neighbour tried
            }

            Try(next);
        }

        var final = bestOptions!.Refit ? VaeTrainer.TrainFor(userItems, itemCount, bestOptions, best!.BestEpoch, best.BestValidationNdcg10, progress) : best!;
        return (final, bestOptions, scores);
    }
}
