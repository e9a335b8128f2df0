using System.Diagnostics;
using System.Globalization;
using System.Text;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Models.Artifacts;
using Persona.Models.Interest;
using Persona.Models.Training;

namespace Persona.Evaluation.Trainers;

/// <summary>
/// Trains the interest MLP (the category of the user's next interaction or purchase, from the profile's
/// features) on all but the latest <c>validationShare</c> of event time, with early stopping (and the
/// hyper-parameter search) on the rest, and writes it as a <see cref="FeatureModelArtifact"/>.
/// </summary>
public static class InterestTraining
{
    /// <summary>
    /// Trains for <paramref name="target"/> (<c>next</c> or <c>next-purchase</c>); <paramref name="watch"/> runs
    /// since the run began, and its time is the model's <c>trainSeconds</c>.
    /// </summary>
    public static TrainingResult Run(
        (IReadOnlyList<BehaviorEvent> Events, IReadOnlyList<CatalogItem> Catalog, string Name) data,
        string target,
        double validationShare,
        int maxLabels,
        InterestMlpOptions options,
        int search,
        EngineConfig config,
        string folder,
        TrainingSource source,
        TrainingProgress progress,
        TimeProvider time,
        Stopwatch watch)
    {
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(watch);
        var split = NextCategoryData.Build(data.Events, data.Catalog, config, target == "next-purchase" ? InterestTarget.NextPurchase : InterestTarget.NextInteraction, 1 - validationShare, 1, maxLabels);
        progress.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{data.Name}: {data.Events.Count:N0} events → {split.Train.Count:N0} training and {split.Validation.Count:N0} validation rows, {split.Labels.Count} labels, {split.Extractor.Width} features"));
        var schema = split.Extractor.Schema;
        int[] blocks = [schema.IndexOf("interest." + split.Labels.Names[0]), schema.IndexOf("recent." + split.Labels.Names[0]), schema.IndexOf("recent.last." + split.Labels.Names[0])];
        var (trained, chosen, trials) = InterestMlpSearch.Run(split.Train, split.Validation, options, search, blocks, progress.MlpTrial, progress.MlpEpoch);
        var best = trained.Epochs[trained.BestEpoch - 1];
        var metadata = new ModelMetadataBuilder(FeatureModelArtifact.InterestKind, target, config, source, time)
            .Features(schema, split.Labels)
            .Window(split.FromMs, split.ValidationFromMs, split.ToMs)
            .Option("hidden", string.Join(',', chosen.Hidden))
            .Option("dropout", chosen.Dropout)
            .Option("learningRate", chosen.LearningRate)
            .Option("weightDecay", chosen.WeightDecay)
            .Option("batchSize", chosen.BatchSize)
            .Option("searchTrials", trials.Count)
            .Metric("rowsTrain", split.Train.Count)
            .Metric("rowsValidation", split.Validation.Count)
            .Metric("validationLogLoss", Math.Round(best.ValidationLoss, 4))
            .Metric("validationTop1", Math.Round(best.ValidationTop1, 4))
            .Metric("bestEpoch", trained.BestEpoch)
            .Metric("trainSeconds", Math.Round(watch.Elapsed.TotalSeconds, 1))
            .Metric("parityMaxAbsDiff", trained.ParityMaxAbsDiff(split.Validation))
            .Build();
        var saved = FeatureModelArtifact.Save(folder, trained.Model, metadata);
        return new TrainingResult(saved, Report(saved, trained.Epochs, trials));
    }

    private static string Report(ModelMetadata m, IReadOnlyList<EpochReport> epochs, IReadOnlyList<(InterestMlpOptions Options, double ValidationLoss)> trials)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {m.Version}").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Interest MLP ({m.Target}) on {m.Dataset} ({m.Format}): {m.Labels.Count} labels, {m.FeatureNames.Count} features (schema {m.FeatureSchemaHash}), engine configuration {m.EngineConfigHash}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Training events {m.TrainedFrom:u} → {m.ValidationFrom:u}, validation → {m.TrainedTo:u}; seed {m.Seed}.").AppendLine();
        TrainingReport.Metrics(md, m);
        if (trials.Count > 1)
        {
            md.AppendLine().AppendLine("| trial | hidden | dropout | learning rate | weight decay | batch | validation log loss |").AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            for (var i = 0; i < trials.Count; i++)
            {
                var o = trials[i].Options;
                md.AppendLine(CultureInfo.InvariantCulture, $"| {i + 1} | {string.Join(',', o.Hidden)} | {o.Dropout} | {o.LearningRate} | {o.WeightDecay} | {o.BatchSize} | {trials[i].ValidationLoss:F4} |");
            }
        }

        md.AppendLine().AppendLine("Epochs of the kept trial:").AppendLine().AppendLine("| epoch | train loss | validation log loss | validation top-1 | seconds |").AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var e in epochs)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {e.Epoch} | {e.TrainLoss:F4} | {e.ValidationLoss:F4} | {e.ValidationTop1:F4} | {e.Seconds:F1} |");
        }

        return md.ToString();
    }
}
