using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Models.Interest;
using Persona.Models.Training;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// The interest model against its baselines on the category of a user's next interaction (or purchase):
/// temporal split (<see cref="NextCategoryData"/>: 70 % / 10 % / 20 % of event time by default), top-1 and
/// top-5 accuracy and log loss on the test part. Predictors:
/// <list type="bullet">
/// <item><c>prior</c>: the training labels' frequencies (add-one smoothed);</item>
/// <item><c>profile</c>: the heuristic profile's decayed interest shares over the labels (the
/// <c>interest.*</c> features), mixed with the prior as (1 − a) · shares + a · prior;</item>
/// <item><c>last</c>: the label of the newest item in the recent sequence, mixed the same way;</item>
/// <item><c>mlp</c>: the interest MLP with its copy term over the three label-aligned blocks (interest shares,
/// recent shares, newest label), trained on the training part with early stopping on validation.</item>
/// </list>
/// With <c>search</c> &gt; 1 the MLP's hyper-parameters come from a seeded random search
/// (<see cref="InterestMlpSearch"/>) scored on the validation part. Each mixing weight a is the one of 0.01, 0.02, 0.05, 0.1, 0.2, …, 0.9, 0.95, 0.98, 0.99 with the lowest validation log loss; the
/// test part is used for nothing but the reported numbers.
/// </summary>
public static class NextCategoryProtocol
{
    private static readonly double[] Mixes = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99];

    public static (SortedDictionary<string, double> Metrics, int TestRows) Run(
        IReadOnlyList<BehaviorEvent> events,
        IReadOnlyList<CatalogItem> catalog,
        EngineConfig? config,
        InterestTarget target,
        InterestMlpOptions mlp,
        Action<EpochReport>? progress = null,
        int maxLabels = 64,
        int search = 1,
        Action<int, InterestMlpOptions>? trialStarted = null)
    {
        var data = NextCategoryData.Build(events, catalog, config ?? new EngineConfig(), target, maxLabels: maxLabels);
        if (data.Train.Count == 0 || data.Validation.Count == 0 || data.Test.Count == 0)
        {
            throw new ArgumentException($"next-category: too few labelled rows (train {data.Train.Count}, validation {data.Validation.Count}, test {data.Test.Count})");
        }

        var schema = data.Extractor.Schema;
        var k = data.Labels.Count;
        var shares = schema.IndexOf("interest." + data.Labels.Names[0]);
        var last = schema.IndexOf("recent.last." + data.Labels.Names[0]);
        var prior = data.Train.Prior();

        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["labels"] = k,
            ["rows.train"] = data.Train.Count,
            ["rows.validation"] = data.Validation.Count,
            ["rows.test"] = data.Test.Count,
            ["features"] = schema.Width,
        };

        Score(metrics, "prior", data.Test, (_, p) => prior.CopyTo(p));
        foreach (var (name, offset) in new[] { ("profile", shares), ("last", last) })
        {
            var mix = Mixes.MinBy(a => Measure(data.Validation, Mixed(offset, k, prior, a)).LogLoss);
            metrics[$"{name}.mix"] = mix;
            Score(metrics, name, data.Test, Mixed(offset, k, prior, mix));
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (trained, chosen, trials) = InterestMlpSearch.Run(data.Train, data.Validation, mlp, search, [shares, schema.IndexOf("recent." + data.Labels.Names[0]), last], trialStarted, progress);
        metrics["mlp.train_seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 1);
        metrics["mlp.trials"] = trials.Count;
        metrics["mlp.hidden"] = chosen.Hidden[0];
        metrics["mlp.layers"] = chosen.Hidden.Count;
        metrics["mlp.dropout"] = chosen.Dropout;
        metrics["mlp.learning_rate"] = chosen.LearningRate;
        metrics["mlp.weight_decay"] = chosen.WeightDecay;
        metrics["mlp.batch_size"] = chosen.BatchSize;
        metrics["mlp.parity_max_abs_diff"] = trained.ParityMaxAbsDiff(data.Validation);
        metrics["mlp.best_epoch"] = trained.BestEpoch;
        metrics["mlp.validation_logloss"] = Math.Round(trained.Epochs[trained.BestEpoch - 1].ValidationLoss, 4);
        Score(metrics, "mlp", data.Test, (x, p) => trained.Model.Predict(x, p));
        return (metrics, data.Test.Count);
    }

    /// <summary>A block of K features (shares or a one-hot) mixed with the prior; all zeros leaves the prior.</summary>
    private static Action<ReadOnlySpan<float>, Span<float>> Mixed(int offset, int k, float[] prior, double a) => (x, p) =>
    {
        var block = x.Slice(offset, k);
        var sum = 0f;
        foreach (var v in block)
        {
            sum += v;
        }

        for (var l = 0; l < k; l++)
        {
            p[l] = sum > 0 ? (float)(((1 - a) * block[l] / sum) + (a * prior[l])) : prior[l];
        }
    };

    private static void Score(SortedDictionary<string, double> metrics, string name, LabelledRows rows, Action<ReadOnlySpan<float>, Span<float>> predict)
    {
        var (top1, top5, logLoss) = Measure(rows, predict);
        metrics[$"{name}.top1"] = Math.Round(top1, 4);
        metrics[$"{name}.top5"] = Math.Round(top5, 4);
        metrics[$"{name}.logloss"] = Math.Round(logLoss, 4);
    }

    /// <summary>Top-1 and top-5 accuracy (ties broken against the label) and mean log loss (probabilities floored at 1e-7).</summary>
    internal static (double Top1, double Top5, double LogLoss) Measure(LabelledRows rows, Action<ReadOnlySpan<float>, Span<float>> predict)
    {
        var p = new float[rows.Classes];
        double top1 = 0, top5 = 0, loss = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            predict(rows.Row(i), p);
            var y = rows.Labels[i];
            var above = 0;
            foreach (var v in p)
            {
                if (v >= p[y])
                {
                    above++;
                }
            }

            // "above" counts the label itself and every class at least as likely: rank with ties against us.
            top1 += above <= 1 ? 1 : 0;
            top5 += above <= 5 ? 1 : 0;
            loss -= Math.Log(Math.Max(p[y], 1e-7));
        }

        return (top1 / rows.Count, top5 / rows.Count, loss / rows.Count);
    }
}
