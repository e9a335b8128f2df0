using System.Globalization;
using System.Text;
using System.Text.Json;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Features;
using Persona.Evaluation.Protocols;
using Persona.Models.Artifacts;
using Persona.Models.Churn;
using Persona.Models.Interest;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona train --model churn|propensity</c>: the MLP over the profile's features for P(no activity in
/// the next T days) or P(a purchase in the next T days), trained on the training cuts with early stopping
/// (and <c>--search</c>) on the validation cut (<see cref="ChurnData"/>), written as a
/// <see cref="FeatureModelArtifact"/> with <c>report.md</c>. The validation AUC and log loss are reported
/// next to the RFM-recency baseline's.
/// </summary>
internal static class RetentionTraining
{
    public static int Run(IReadOnlyList<BehaviorEvent> events, IReadOnlyList<CatalogItem> catalog, string name, bool churn, double windowDays, InterestMlpOptions options, int search, EngineConfig config, string folder, TrainingSource source)
    {
        var outcome = churn ? ChurnOutcome.NoActivity : ChurnOutcome.Purchase;
        var data = ChurnData.Build(events, catalog, config, outcome, windowDays);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {events.Count:N0} events → {data.Train.Count:N0} training rows ({data.TrainCutsMs.Count} cuts) and {data.Validation.Count:N0} validation rows, {data.Extractor.Width} features"));
        var (trained, chosen, trials) = InterestMlpSearch.Run(data.Train.Rows, data.Validation.Rows, options, search, [], MlpOptionSet.PrintTrial, MlpOptionSet.PrintEpoch);
        var y = data.Validation.Rows.Labels.ToArray();
        var p = Enumerable.Range(0, data.Validation.Count).Select(i => (double)trained.Model.Predict(data.Validation.Rows.Row(i))[1]).ToArray();
        var recency = RecencyBaseline.Fit(data.Train.RecencyDays, data.Train.Rows.Labels);
        var baseline = data.Validation.RecencyDays.Select(r => recency.Predict(r)).ToArray();
        var schema = data.Extractor.Schema;
        var target = string.Create(CultureInfo.InvariantCulture, $"{(churn ? "no-activity" : "purchase")}-{windowDays}d");
        var metadata = FeatureModelArtifact.Save(folder, trained.Model, new ModelMetadata
        {
            Kind = churn ? FeatureModelArtifact.ChurnKind : FeatureModelArtifact.PropensityKind,
            Version = string.Empty,
            CreatedAt = DateTimeOffset.UtcNow,
            FeatureVersion = FeatureExtractor.Version,
            FeatureSchemaHash = schema.Hash,
            FeatureNames = schema.Names,
            LabelDepth = data.Extractor.Labels.Depth,
            Labels = data.Extractor.Labels.Names,
            Target = target,
            EngineConfigHash = EngineConfigJson.Hash(config),
            EngineConfig = EngineConfigJson.Canonical(config),
            TrainedFrom = DateTimeOffset.FromUnixTimeMilliseconds(events.Min(e => e.TimestampMs)),
            ValidationFrom = DateTimeOffset.FromUnixTimeMilliseconds(data.TrainCutsMs[0] + (long)(windowDays * 86_400_000)),
            TrainedTo = DateTimeOffset.FromUnixTimeMilliseconds(data.TrainCutsMs[0] + (long)(2 * windowDays * 86_400_000)),
            Dataset = source.Dataset,
            Format = source.Format,
            Seed = source.Seed,
            Options = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["hidden"] = string.Join(',', chosen.Hidden),
                ["dropout"] = chosen.Dropout.ToString(CultureInfo.InvariantCulture),
                ["learningRate"] = chosen.LearningRate.ToString(CultureInfo.InvariantCulture),
                ["weightDecay"] = chosen.WeightDecay.ToString(CultureInfo.InvariantCulture),
                ["batchSize"] = chosen.BatchSize.ToString(CultureInfo.InvariantCulture),
                ["windowDays"] = windowDays.ToString(CultureInfo.InvariantCulture),
                ["searchTrials"] = trials.Count.ToString(CultureInfo.InvariantCulture),
            },
            Metrics = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["rowsTrain"] = data.Train.Count,
                ["rowsValidation"] = data.Validation.Count,
                ["positiveRateValidation"] = Math.Round(data.Validation.PositiveRate, 4),
                ["validationAuc"] = Math.Round(BinaryMetrics.Auc(p, y), 4),
                ["validationLogLoss"] = Math.Round(BinaryMetrics.LogLoss(p, y), 4),
                ["recencyValidationAuc"] = Math.Round(BinaryMetrics.Auc(baseline, y), 4),
                ["recencyValidationLogLoss"] = Math.Round(BinaryMetrics.LogLoss(baseline, y), 4),
                ["bestEpoch"] = trained.BestEpoch,
                ["parityMaxAbsDiff"] = trained.ParityMaxAbsDiff(data.Validation.Rows),
            },
            WeightsSha256 = string.Empty,
        });
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {metadata.Version}").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{(churn ? "Churn" : "Purchase propensity")} MLP ({target}) on {metadata.Dataset} ({metadata.Format}): {schema.Width} features (schema {schema.Hash}), engine configuration {metadata.EngineConfigHash}; seed {metadata.Seed}.").AppendLine();
        md.AppendLine("| metric | value |").AppendLine("| --- | --- |");
        foreach (var (key, value) in metadata.Metrics)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {value:G6} |");
        }

        md.AppendLine().AppendLine("Calibration on the validation cut:").AppendLine().AppendLine("| predicted | rows | mean predicted | observed |").AppendLine("| --- | --- | --- | --- |");
        foreach (var b in BinaryMetrics.Calibration(p, y).Where(b => b.Rows > 0))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {b.From:F1}–{b.To:F1} | {b.Rows} | {b.MeanPredicted:F3} | {b.Observed:F3} |");
        }

        File.WriteAllText(Path.Combine(folder, "report.md"), md.ToString());
        Console.WriteLine(JsonSerializer.Serialize(new { version = metadata.Version, metrics = metadata.Metrics, folder = Path.GetFullPath(folder) }));
        return 0;
    }
}
