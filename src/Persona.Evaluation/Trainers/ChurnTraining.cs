using System.Globalization;
using System.Text;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Models.Artifacts;
using Persona.Models.Churn;
using Persona.Models.Interest;
using Persona.Models.Training;

namespace Persona.Evaluation.Trainers;

/// <summary>
/// Trains the churn MLP (P(no activity in the next T days)) or the purchase-propensity MLP (P(a purchase in
/// the next T days)) over the profile's features, on the training cuts with early stopping (and the search)
/// on the validation cut (<see cref="ChurnData"/>), and writes it as a <see cref="FeatureModelArtifact"/>.
/// The validation AUC and log loss are reported next to the RFM-recency baseline's.
/// </summary>
public static class ChurnTraining
{
    /// <summary>For <paramref name="outcome"/> <see cref="ChurnOutcome.NoActivity"/> trains the churn model, for <see cref="ChurnOutcome.Purchase"/> the propensity model.</summary>
    public static TrainingResult Run(
        (IReadOnlyList<BehaviorEvent> Events, IReadOnlyList<CatalogItem> Catalog, string Name) data,
        ChurnOutcome outcome,
        double windowDays,
        InterestMlpOptions options,
        int search,
        EngineConfig config,
        string folder,
        TrainingSource source,
        TrainingProgress progress,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var churn = outcome == ChurnOutcome.NoActivity;
        var cuts = ChurnData.Build(data.Events, data.Catalog, config, outcome, windowDays);
        progress.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{data.Name}: {data.Events.Count:N0} events → {cuts.Train.Count:N0} training rows ({cuts.TrainCutsMs.Count} cuts) and {cuts.Validation.Count:N0} validation rows, {cuts.Extractor.Width} features"));
        var (trained, chosen, trials) = InterestMlpSearch.Run(cuts.Train.Rows, cuts.Validation.Rows, options, search, [], progress.MlpTrial, progress.MlpEpoch);
        var y = cuts.Validation.Rows.Labels.ToArray();
        var p = Enumerable.Range(0, cuts.Validation.Count).Select(i => (double)trained.Model.Predict(cuts.Validation.Rows.Row(i))[1]).ToArray();
        var recency = RecencyBaseline.Fit(cuts.Train.RecencyDays, cuts.Train.Rows.Labels);
        var baseline = cuts.Validation.RecencyDays.Select(r => recency.Predict(r)).ToArray();
        var target = string.Create(CultureInfo.InvariantCulture, $"{(churn ? "no-activity" : "purchase")}-{windowDays}d");
        var metadata = new ModelMetadataBuilder(churn ? FeatureModelArtifact.ChurnKind : FeatureModelArtifact.PropensityKind, target, config, source, time)
            .Features(cuts.Extractor.Schema, cuts.Extractor.Labels)
            .Window(data.Events.Min(e => e.TimestampMs), cuts.TrainCutsMs[0] + (long)(windowDays * 86_400_000), cuts.TrainCutsMs[0] + (long)(2 * windowDays * 86_400_000))
            .Option("hidden", string.Join(',', chosen.Hidden))
            .Option("dropout", chosen.Dropout)
            .Option("learningRate", chosen.LearningRate)
            .Option("weightDecay", chosen.WeightDecay)
            .Option("batchSize", chosen.BatchSize)
            .Option("windowDays", windowDays)
            .Option("searchTrials", trials.Count)
            .Metric("rowsTrain", cuts.Train.Count)
            .Metric("rowsValidation", cuts.Validation.Count)
            .Metric("positiveRateValidation", Math.Round(cuts.Validation.PositiveRate, 4))
            .Metric("validationAuc", Math.Round(BinaryMetrics.Auc(p, y), 4))
            .Metric("validationLogLoss", Math.Round(BinaryMetrics.LogLoss(p, y), 4))
            .Metric("recencyValidationAuc", Math.Round(BinaryMetrics.Auc(baseline, y), 4))
            .Metric("recencyValidationLogLoss", Math.Round(BinaryMetrics.LogLoss(baseline, y), 4))
            .Metric("bestEpoch", trained.BestEpoch)
            .Metric("parityMaxAbsDiff", trained.ParityMaxAbsDiff(cuts.Validation.Rows))
            .Build();
        var saved = FeatureModelArtifact.Save(folder, trained.Model, metadata);
        return new TrainingResult(saved, Report(saved, churn, cuts.Extractor.Width, BinaryMetrics.Calibration(p, y)));
    }

    private static string Report(ModelMetadata m, bool churn, int width, IEnumerable<BinaryMetrics.Bin> calibration)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {m.Version}").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{(churn ? "Churn" : "Purchase propensity")} MLP ({m.Target}) on {m.Dataset} ({m.Format}): {width} features (schema {m.FeatureSchemaHash}), engine configuration {m.EngineConfigHash}; seed {m.Seed}.").AppendLine();
        TrainingReport.Metrics(md, m);
        md.AppendLine().AppendLine("Calibration on the validation cut:").AppendLine().AppendLine("| predicted | rows | mean predicted | observed |").AppendLine("| --- | --- | --- | --- |");
        foreach (var b in calibration.Where(b => b.Rows > 0))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {b.From:F1}–{b.To:F1} | {b.Rows} | {b.MeanPredicted:F3} | {b.Observed:F3} |");
        }

        return md.ToString();
    }
}
