using System.Diagnostics;
using Persona.Core.Events;
using Persona.Models.Sentiment;
using Persona.Models.Training;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// Review sentiment on a temporal split: the reviews with text and stars, ordered by time, train on the older
/// 80 % (the newest eighth of it is the validation part the trainer chooses its settings on) and are scored on
/// the newest 20 %. Reviews without times (all at time 0) are split at random with the seed instead. Reported
/// for the learned model (<see cref="SentimentTrainer"/>) under the metrics and for the lexicon
/// (<see cref="SentimentLexicon"/>) under the baseline: <c>auc</c> of "pleased" (4–5 stars positive, 1–2
/// negative, 3 left out) with a 95 % bootstrap interval over test reviews, and <c>mae</c> of the predicted stars
/// (the lexicon's score mapped to stars by least squares on the training reviews), which is left out when the
/// data has only two star values. The baseline also has the error of always predicting the training mean.
/// </summary>
public static class ReviewSentimentProtocol
{
    public static ReviewSentimentResult Run(IReadOnlyList<BehaviorEvent> events, SentimentOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        var rows = events.Where(e => e.Rating is >= 1 and <= 5 && !string.IsNullOrWhiteSpace(e.Text)).ToList();
        var timeless = rows.Count > 0 && rows.All(e => e.TimestampMs == rows[0].TimestampMs);
        List<BehaviorEvent> ordered;
        if (timeless)
        {
            var shuffled = rows.OrderBy(e => e.EventId, StringComparer.Ordinal).ToArray();
            new Random(seed).Shuffle(shuffled);
            ordered = [.. shuffled];
        }
        else
        {
            ordered = [.. rows.OrderBy(e => e.TimestampMs).ThenBy(e => e.EventId, StringComparer.Ordinal)];
        }

        var reviews = ordered.Select(e => new LabelledReview(e.Text!, e.Rating!.Value)).ToList();
        var testFrom = (int)(reviews.Count * 0.8);
        var validationFrom = (int)(testFrom * 7.0 / 8);
        var train = reviews[..validationFrom];
        var validation = reviews[validationFrom..testFrom];
        var test = reviews[testFrom..];
        if (!test.Any(r => r.IsPolar && r.Pleased == 0) || !test.Any(r => r.IsPolar && r.Pleased == 1))
        {
            throw new ArgumentException($"review-sentiment: the test part ({test.Count} reviews) needs both 4–5 and 1–2 star reviews");
        }

        var watch = Stopwatch.StartNew();
        var trained = SentimentTrainer.Train(train, validation, options with { Seed = seed });
        var trainSeconds = watch.Elapsed.TotalSeconds;

        var starValues = reviews.Select(r => r.Stars).Distinct().Count();
        var model = test.Select(r => trained.Model.Score(r.Text)).ToArray();
        var lexiconTrain = train.Concat(validation).Select(r => SentimentLexicon.Score(r.Text)).ToArray();
        var (a, b) = LeastSquares(lexiconTrain, [.. train.Concat(validation).Select(r => (double)r.Stars)]);
        var lexicon = test.Select(r => SentimentLexicon.Score(r.Text)).ToArray();
        var meanStars = train.Concat(validation).Average(r => (double)r.Stars);

        var polar = Enumerable.Range(0, test.Count).Where(i => test[i].IsPolar).ToArray();
        var y = polar.Select(i => test[i].Pleased).ToArray();
        var pModel = polar.Select(i => model[i].Positive).ToArray();
        var pLexicon = polar.Select(i => (lexicon[i] + 1) / 2).ToArray(); // (-1, 1) onto (0, 1): the same order
        var (modelCi, lexiconCi, differenceCi) = PairedBootstrap.Auc(pModel, pLexicon, y, seed);

        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["auc"] = BinaryMetrics.Auc(pModel, y),
            ["auc.ci95_low"] = modelCi.Low,
            ["auc.ci95_high"] = modelCi.High,
            ["auc_minus_baseline.ci95_low"] = differenceCi.Low,
            ["auc_minus_baseline.ci95_high"] = differenceCi.High,
            ["rows.train"] = train.Count,
            ["rows.validation"] = validation.Count,
            ["rows.test"] = test.Count,
            ["rows.test_polar"] = polar.Length,
            ["positive_rate.test"] = y.Average(),
            ["split_random"] = timeless ? 1 : 0,
            ["model.bigrams"] = trained.Model.Bigrams ? 1 : 0,
            ["model.bits"] = trained.Model.Bits,
            ["model.positive_lexicon"] = trained.PositiveLexicon ? 1 : 0,
            ["model.stars_lexicon"] = trained.StarsLexicon ? 1 : 0,
            ["model.positive_l2"] = trained.PositiveL2,
            ["model.positive_epochs"] = trained.PositiveEpochs,
            ["model.stars_l2"] = trained.StarsL2,
            ["model.stars_epochs"] = trained.StarsEpochs,
            ["model.validation_auc"] = trained.ValidationAuc,
            ["model.trials"] = trained.Trials,
            ["model.train_seconds"] = Math.Round(trainSeconds, 2),
        };
        var baseline = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["auc"] = BinaryMetrics.Auc(pLexicon, y),
            ["auc.ci95_low"] = lexiconCi.Low,
            ["auc.ci95_high"] = lexiconCi.High,
            ["lexicon_words"] = SentimentLexicon.Count,
        };
        if (starValues > 2)
        {
            metrics["mae"] = Mae(model.Select(s => s.Stars), test);
            baseline["mae"] = Mae(lexicon.Select(s => Math.Clamp(a + (b * s), 1, 5)), test);
            baseline["mean_stars.mae"] = Mae(test.Select(_ => meanStars), test);
        }

        return new ReviewSentimentResult(metrics, baseline, test.Count, trained);
    }

    private static double Mae(IEnumerable<double> predicted, IReadOnlyList<LabelledReview> truth) =>
        predicted.Zip(truth, (p, t) => Math.Abs(p - t.Stars)).Average();

    private static (double A, double B) LeastSquares(double[] x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }

        var b = sxx == 0 ? 0 : sxy / sxx;
        return (my - (b * mx), b);
    }
}

/// <summary>What the review-sentiment protocol measured: the model's metrics, the lexicon's, the test reviews and the trained model.</summary>
public sealed record ReviewSentimentResult(IReadOnlyDictionary<string, double> Metrics, IReadOnlyDictionary<string, double> Baseline, int TestRows, TrainedSentiment Trained);
