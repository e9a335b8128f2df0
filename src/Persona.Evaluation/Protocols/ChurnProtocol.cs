using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Models.Churn;
using Persona.Models.Interest;
using Persona.Models.Training;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// Churn (no activity in the next T days) and purchase propensity (a purchase in the next T days) on a
/// temporal split (<see cref="ChurnData"/>): the MLP over the profile's features against the RFM-recency
/// baseline (<see cref="RecencyBaseline"/>) and the training base rate, by AUC, log loss, Brier score and a
/// calibration table on the test cut. The MLP (<see cref="InterestMlpTrainer"/> with two classes and no
/// copy term) stops early on the validation cut's log loss; with <c>search</c> &gt; 1 its hyper-parameters
/// come from a seeded random search scored on the validation cut. The test cut is used only for the numbers.
/// Review text is scored as ingestion scores it without a model (<see cref="IngestSentiment"/>); where the stream
/// has satisfaction signals, the MLP is trained again without the satisfaction features on the same rows, and the
/// 95 % bootstrap interval of the AUC it gains from them is reported (<c>satisfaction_gain.auc.ci95_*</c>).
/// </summary>
public static class ChurnProtocol
{
    public static (SortedDictionary<string, double> Metrics, int TestRows, IReadOnlyDictionary<string, IReadOnlyList<BinaryMetrics.Bin>> Calibration) Run(
        IReadOnlyList<BehaviorEvent> events,
        IReadOnlyList<CatalogItem> catalog,
        EngineConfig? config,
        double windowDays,
        InterestMlpOptions mlp,
        Action<EpochReport>? progress = null,
        int search = 1,
        Action<int, InterestMlpOptions>? trialStarted = null,
        int trainCuts = 4,
        double stepDays = 30)
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["window_days"] = windowDays };
        var calibration = new Dictionary<string, IReadOnlyList<BinaryMetrics.Bin>>(StringComparer.Ordinal);
        var testRows = 0;
        events = IngestSentiment.WithLexicon(events);
        var compareSatisfaction = IngestSentiment.HasSatisfactionSignals(events);
        foreach (var (name, outcome) in new[] { ("churn", ChurnOutcome.NoActivity), ("purchase", ChurnOutcome.Purchase) })
        {
            var data = ChurnData.Build(events, catalog, config ?? new EngineConfig(), outcome, windowDays, trainCuts, stepDays);
            if (data.Train.Count == 0 || data.Validation.Count == 0 || data.Test.Count == 0)
            {
                throw new ArgumentException($"churn: too few rows (train {data.Train.Count}, validation {data.Validation.Count}, test {data.Test.Count})");
            }

            testRows = data.Test.Count;
            metrics[$"{name}.rows.train"] = data.Train.Count;
            metrics[$"{name}.rows.validation"] = data.Validation.Count;
            metrics[$"{name}.rows.test"] = data.Test.Count;
            metrics[$"{name}.train_cuts"] = data.TrainCutsMs.Count;
            metrics[$"{name}.positive_rate.train"] = data.Train.PositiveRate;
            metrics[$"{name}.positive_rate.test"] = data.Test.PositiveRate;
            var y = data.Test.Rows.Labels.ToArray();

            var baseRate = data.Train.PositiveRate;
            Score(metrics, calibration, $"{name}.base_rate", [.. y.Select(_ => baseRate)], y);

            var recency = RecencyBaseline.Fit(data.Train.RecencyDays, data.Train.Rows.Labels);
            Score(metrics, calibration, $"{name}.recency", [.. data.Test.RecencyDays.Select(r => recency.Predict(r))], y);

            var watch = System.Diagnostics.Stopwatch.StartNew();
            var (trained, chosen, trials) = InterestMlpSearch.Run(data.Train.Rows, data.Validation.Rows, mlp, search, [], trialStarted, progress);
            metrics[$"{name}.mlp.train_seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 1);
            metrics[$"{name}.mlp.trials"] = trials.Count;
            metrics[$"{name}.mlp.hidden"] = chosen.Hidden[0];
            metrics[$"{name}.mlp.layers"] = chosen.Hidden.Count;
            metrics[$"{name}.mlp.best_epoch"] = trained.BestEpoch;
            metrics[$"{name}.mlp.parity_max_abs_diff"] = trained.ParityMaxAbsDiff(data.Validation.Rows);
            var p = new double[data.Test.Count];
            for (var i = 0; i < p.Length; i++)
            {
                p[i] = trained.Model.Predict(data.Test.Rows.Row(i))[1];
            }

            Score(metrics, calibration, $"{name}.mlp", p, y);
            if (compareSatisfaction)
            {
                CompareWithoutSatisfaction(metrics, calibration, name, new Inputs(events, catalog, config ?? new EngineConfig(), outcome, windowDays, trainCuts, stepDays), mlp, search, trialStarted, progress, p, y);
            }
        }

        return (metrics, testRows, calibration);
    }

    /// <summary>The same model without the satisfaction features, on the same rows: what satisfaction adds, with the interval of its AUC gain.</summary>
    private static void CompareWithoutSatisfaction(
        SortedDictionary<string, double> metrics,
        Dictionary<string, IReadOnlyList<BinaryMetrics.Bin>> calibration,
        string name,
        Inputs d,
        InterestMlpOptions mlp,
        int search,
        Action<int, InterestMlpOptions>? trialStarted,
        Action<EpochReport>? progress,
        double[] p,
        int[] y)
    {
        var without = ChurnData.Build(d.Events, d.Catalog, d.Config, d.Outcome, d.WindowDays, d.TrainCuts, d.StepDays, 16, withoutFeatures: ["satisfaction"]);
        if (!without.Test.Rows.Labels.SequenceEqual(y))
        {
            throw new InvalidOperationException("churn: the test rows without satisfaction features differ from those with them");
        }

        var (plain, _, _) = InterestMlpSearch.Run(without.Train.Rows, without.Validation.Rows, mlp, search, [], trialStarted, progress);
        var q = new double[without.Test.Count];
        for (var i = 0; i < q.Length; i++)
        {
            q[i] = plain.Model.Predict(without.Test.Rows.Row(i))[1];
        }

        Score(metrics, calibration, $"{name}.mlp_without_satisfaction", q, y);
        var (_, _, gain) = PairedBootstrap.Auc(p, q, y, seed: 7);
        metrics[$"{name}.satisfaction_gain.auc.ci95_low"] = gain.Low;
        metrics[$"{name}.satisfaction_gain.auc.ci95_high"] = gain.High;
    }

    private sealed record Inputs(IReadOnlyList<BehaviorEvent> Events, IReadOnlyList<CatalogItem> Catalog, EngineConfig Config, ChurnOutcome Outcome, double WindowDays, int TrainCuts, double StepDays);

    private static void Score(SortedDictionary<string, double> metrics, Dictionary<string, IReadOnlyList<BinaryMetrics.Bin>> calibration, string name, double[] p, int[] y)
    {
        metrics[$"{name}.auc"] = BinaryMetrics.Auc(p, y);
        metrics[$"{name}.log_loss"] = BinaryMetrics.LogLoss(p, y);
        metrics[$"{name}.brier"] = BinaryMetrics.Brier(p, y);
        calibration[name] = BinaryMetrics.Calibration(p, y);
    }
}
