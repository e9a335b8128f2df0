using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Features;
using Persona.Datasets;
using Persona.Models.Artifacts;
using Persona.Models.Interest;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona train</c>: trains a model on a dataset and writes its artifact (weights, <c>model.json</c>) and
/// a report. The last 10 % of event time is the validation part (early stopping, <c>--search</c>); the
/// model learns from the rest. <c>persona evaluate</c> measures the same model on a held-out test part.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder or main file (or 'synthetic')", Required = true };
        var format = new Option<string>("--format") { Description = "Dataset format", Required = true };
        format.AcceptOnlyFromAmong([.. DatasetLoader.Formats, "synthetic"]);
        var model = new Option<string>("--model") { Description = "Model to train: interest (MLP over the profile), sequence (SASRec), vae (Mult-VAE), churn or propensity (MLP over the profile)", DefaultValueFactory = _ => "interest" };
        model.AcceptOnlyFromAmong("interest", "sequence", "vae", "churn", "propensity");
        var window = new Option<double>("--window-days") { Description = "churn, propensity: the window T after each cut", DefaultValueFactory = _ => 90 };
        var target = new Option<string>("--target") { Description = "interest: the category of the next interaction or of the next purchase", DefaultValueFactory = _ => "next" };
        target.AcceptOnlyFromAmong("next", "next-purchase");
        var output = new Option<string>("--out") { Description = "Folder for the model", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (initialisation, shuffling, search, synthetic data)", DefaultValueFactory = _ => 42 };
        var validation = new Option<double>("--validation") { Description = "Share of the latest event time held out for validation", DefaultValueFactory = _ => 0.1 };
        var labels = new Option<int>("--labels") { Description = "Most interest labels (the rest share '(other)')", DefaultValueFactory = _ => 64 };
        var users = new Option<int>("--users") { Description = "synthetic: users", DefaultValueFactory = _ => 2_000 };
        var events = new Option<long>("--events") { Description = "synthetic: events", DefaultValueFactory = _ => 300_000 };
        var engineConfig = CommonOptions.EngineConfig();
        var mlp = MlpOptionSet.Create();
        var sequence = SequenceOptionSet.Create();
        var vae = VaeOptionSet.Create();
        var command = new Command("train", "Train a model on a dataset and write its artifact") { dataset, format, model, target, output, seed, validation, labels, users, events, engineConfig, window };
        mlp.AddTo(command);
        sequence.AddTo(command);
        vae.AddTo(command);
        command.SetAction(r =>
        {
            var watch = Stopwatch.StartNew();
            var config = CommonOptions.LoadEngineConfig(r.GetValue(engineConfig));
            var folder = r.GetValue(output)!;
            switch (r.GetValue(model))
            {
                case "sequence" when r.GetValue(sequence.Encoder) == "gru":
                    throw new ArgumentException("--encoder gru: artifacts hold the self-attentive encoder; evaluate the GRU with persona evaluate --model sequence --encoder gru");
                case "sequence":
                    return ItemModelTraining.Sequence(Sequences(r, dataset, format, seed, users, events), sequence.Options(r, mlp, r.GetValue(seed)), config, folder, SourceOf(r, dataset, format, seed));
                case "vae":
                    return ItemModelTraining.Vae(Sequences(r, dataset, format, seed, users, events), vae.Options(r, mlp, sequence, r.GetValue(seed)), r.GetValue(mlp.Search), r.GetValue(vae.Refine), config, folder, SourceOf(r, dataset, format, seed));
                case "churn" or "propensity":
                    var retention = mlp.Options(r, r.GetValue(seed));
                    var (retentionEvents, retentionCatalog, retentionName) = Events(r, dataset, format, seed, users, events);
                    return RetentionTraining.Run(retentionEvents, retentionCatalog, retentionName, r.GetValue(model) == "churn", r.GetValue(window), retention, r.GetValue(mlp.Search), config, folder, SourceOf(r, dataset, format, seed));
            }

            var options = mlp.Options(r, r.GetValue(seed));
            var share = r.GetValue(validation);
            if (share is <= 0 or >= 1)
            {
                throw new ArgumentException($"--validation: {share} is not within (0, 1)");
            }

            var (data, catalog, name) = Events(r, dataset, format, seed, users, events);
            var targetName = r.GetValue(target)!;
            var split = NextCategoryData.Build(data, catalog, config, targetName == "next-purchase" ? InterestTarget.NextPurchase : InterestTarget.NextInteraction, 1 - share, 1, r.GetValue(labels));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {data.Count:N0} events → {split.Train.Count:N0} training and {split.Validation.Count:N0} validation rows, {split.Labels.Count} labels, {split.Extractor.Width} features"));
            var schema = split.Extractor.Schema;
            int[] blocks = [schema.IndexOf("interest." + split.Labels.Names[0]), schema.IndexOf("recent." + split.Labels.Names[0]), schema.IndexOf("recent.last." + split.Labels.Names[0])];
            var (trained, chosen, trials) = InterestMlpSearch.Run(split.Train, split.Validation, options, r.GetValue(mlp.Search), blocks, MlpOptionSet.PrintTrial, MlpOptionSet.PrintEpoch);
            var best = trained.Epochs[trained.BestEpoch - 1];
            var metadata = FeatureModelArtifact.Save(r.GetValue(output)!, trained.Model, new ModelMetadata
            {
                Kind = FeatureModelArtifact.InterestKind,
                Version = string.Empty,
                CreatedAt = DateTimeOffset.UtcNow,
                FeatureVersion = FeatureExtractor.Version,
                FeatureSchemaHash = schema.Hash,
                FeatureNames = schema.Names,
                LabelDepth = split.Labels.Depth,
                Labels = split.Labels.Names,
                Target = targetName,
                EngineConfigHash = EngineConfigJson.Hash(config),
                EngineConfig = EngineConfigJson.Canonical(config),
                TrainedFrom = DateTimeOffset.FromUnixTimeMilliseconds(split.FromMs),
                ValidationFrom = DateTimeOffset.FromUnixTimeMilliseconds(split.ValidationFromMs),
                TrainedTo = DateTimeOffset.FromUnixTimeMilliseconds(split.ToMs),
                Dataset = r.GetValue(format) == "synthetic" ? name : Path.GetFullPath(r.GetValue(dataset)!),
                Format = r.GetValue(format)!,
                Seed = r.GetValue(seed),
                Options = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["hidden"] = string.Join(',', chosen.Hidden),
                    ["dropout"] = chosen.Dropout.ToString(CultureInfo.InvariantCulture),
                    ["learningRate"] = chosen.LearningRate.ToString(CultureInfo.InvariantCulture),
                    ["weightDecay"] = chosen.WeightDecay.ToString(CultureInfo.InvariantCulture),
                    ["batchSize"] = chosen.BatchSize.ToString(CultureInfo.InvariantCulture),
                    ["searchTrials"] = trials.Count.ToString(CultureInfo.InvariantCulture),
                },
                Metrics = new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    ["rowsTrain"] = split.Train.Count,
                    ["rowsValidation"] = split.Validation.Count,
                    ["validationLogLoss"] = Math.Round(best.ValidationLoss, 4),
                    ["validationTop1"] = Math.Round(best.ValidationTop1, 4),
                    ["bestEpoch"] = trained.BestEpoch,
                    ["trainSeconds"] = Math.Round(watch.Elapsed.TotalSeconds, 1),
                    ["parityMaxAbsDiff"] = trained.ParityMaxAbsDiff(split.Validation),
                },
                WeightsSha256 = string.Empty,
            });
            File.WriteAllText(Path.Combine(r.GetValue(output)!, "report.md"), Report(metadata, trained.Epochs, trials));
            Console.WriteLine(JsonSerializer.Serialize(new { version = metadata.Version, metrics = metadata.Metrics, folder = Path.GetFullPath(r.GetValue(output)!) }));
            return 0;
        });
        return command;
    }

    private static (IReadOnlyList<Persona.Core.Events.BehaviorEvent> Events, IReadOnlyList<Persona.Core.Catalog.CatalogItem> Catalog, string Name) Events(ParseResult r, Option<string> dataset, Option<string> format, Option<int> seed, Option<int> users, Option<long> events) =>
        r.GetValue(format) == "synthetic"
            ? SyntheticData.Events(r.GetValue(seed), r.GetValue(users), r.GetValue(events), 20)
            : DatasetLoader.LoadEvents(r.GetValue(format)!, r.GetValue(dataset)!) is var d ? (d.Events, d.Catalog, d.Name) : default;

    private static SequenceDataset Sequences(ParseResult r, Option<string> dataset, Option<string> format, Option<int> seed, Option<int> users, Option<long> events)
    {
        if (r.GetValue(format) != "synthetic")
        {
            return DatasetLoader.LoadSequences(r.GetValue(format)!, r.GetValue(dataset)!);
        }

        var (data, catalog, name) = Events(r, dataset, format, seed, users, events);
        return new EventDataset { Name = name, Events = data, Catalog = catalog }.ToSequences();
    }

    private static TrainingSource SourceOf(ParseResult r, Option<string> dataset, Option<string> format, Option<int> seed) =>
        new(r.GetValue(format) == "synthetic" ? "synthetic" : Path.GetFullPath(r.GetValue(dataset)!), r.GetValue(format)!, r.GetValue(seed));

    private static string Report(ModelMetadata m, IReadOnlyList<Persona.Models.Training.EpochReport> epochs, IReadOnlyList<(InterestMlpOptions Options, double ValidationLoss)> trials)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {m.Version}").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Interest MLP ({m.Target}) on {m.Dataset} ({m.Format}): {m.Labels.Count} labels, {m.FeatureNames.Count} features (schema {m.FeatureSchemaHash}), engine configuration {m.EngineConfigHash}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Training events {m.TrainedFrom:u} → {m.ValidationFrom:u}, validation → {m.TrainedTo:u}; seed {m.Seed}.").AppendLine();
        md.AppendLine("| metric | value |").AppendLine("| --- | --- |");
        foreach (var (key, value) in m.Metrics)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {value:G6} |");
        }

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
