using System.Globalization;
using System.Text;
using System.Text.Json;
using Persona.Core.Engine;
using Persona.Datasets;
using Persona.Evaluation.Models;
using Persona.Models.Artifacts;
using Persona.Models.Collaborative;
using Persona.Models.Sequence;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona train --model sequence|vae</c>: trains on every user's whole sequence (the newest item per
/// user validates: early stopping for the sequence model; the VAE holds out a share of each user's items)
/// and writes the artifact (<see cref="ItemModelArtifact"/>) and <c>report.md</c>.
/// </summary>
internal static class ItemModelTraining
{
    public static int Sequence(SequenceDataset data, SequenceModelOptions options, EngineConfig config, string folder, TrainingSource source)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{data.Name}: {data.Users:N0} users, {data.Items:N0} items, {data.Interactions:N0} interactions"));
        var (corpus, typeNames) = SequenceModel.Corpus(data, data.Sequences);
        var trained = SequenceTrainer.Train(corpus, options, SequenceOptionSet.PrintEpoch);
        var metadata = ItemModelArtifact.Save(folder, trained.SelfAttentive, data.ItemIds, typeNames, Metadata(data, config, source, "next-item", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["dimension"] = Invariant(options.Dimension),
            ["blocks"] = Invariant(options.Blocks),
            ["heads"] = Invariant(options.Heads),
            ["maxLength"] = Invariant(options.MaxLength),
            ["dropout"] = Invariant(options.Dropout),
            ["learningRate"] = Invariant(options.LearningRate),
            ["batchSize"] = Invariant(options.BatchSize),
            ["negatives"] = Invariant(options.Negatives),
            ["attributes"] = options.UseAttributes ? "true" : "false",
        }, new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["validationHr10"] = Math.Round(trained.Best.ValidationHr10, 4),
            ["validationNdcg10"] = Math.Round(trained.Best.ValidationNdcg10, 4),
            ["bestEpoch"] = trained.BestEpoch,
            ["trainSeconds"] = Math.Round(trained.Seconds, 1),
            ["parityMaxAbsDiff"] = trained.ParityMaxAbsDiff,
        }));
        var md = Header(metadata, "Sequence model (SASRec)");
        md.AppendLine("| epoch | train loss | validation HR@10 | validation NDCG@10 | seconds |").AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var e in trained.Epochs)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {e.Epoch} | {e.TrainLoss:F4} | {e.ValidationHr10:F4} | {e.ValidationNdcg10:F4} | {e.Seconds:F1} |");
        }

        return Finish(folder, metadata, md);
    }

    public static int Vae(SequenceDataset data, VaeOptions options, int search, int refine, EngineConfig config, string folder, TrainingSource source)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{data.Name}: {data.Users:N0} users, {data.Items:N0} items, {data.Interactions:N0} interactions"));
        var (trained, chosen, trials) = VaeSearch.Run([.. data.Sequences.Select(s => s.Select(x => x.Item).ToArray())], data.Items, options, search, VaeOptionSet.PrintTrial, VaeOptionSet.PrintEpoch, refine);
        var metadata = ItemModelArtifact.Save(folder, trained.Model, data.ItemIds, Metadata(data, config, source, "items", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["hidden"] = Invariant(chosen.Hidden),
            ["latent"] = Invariant(chosen.Latent),
            ["dropout"] = Invariant(chosen.Dropout),
            ["learningRate"] = Invariant(chosen.LearningRate),
            ["weightDecay"] = Invariant(chosen.WeightDecay),
            ["annealCap"] = Invariant(chosen.AnnealCap),
            ["batchSize"] = Invariant(chosen.BatchSize),
            ["searchTrials"] = Invariant(Math.Max(1, trials.Count)),
        }, new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["validationNdcg10"] = Math.Round(trained.BestValidationNdcg10, 4),
            ["bestEpoch"] = trained.BestEpoch,
            ["trainSeconds"] = Math.Round(trained.Seconds, 1),
            ["parityMaxAbsDiff"] = trained.ParityMaxAbsDiff,
        }));
        var md = Header(metadata, "Collaborative VAE (Mult-VAE)");
        if (trials.Count > 1)
        {
            md.AppendLine("| trial | hidden | latent | dropout | learning rate | weight decay | anneal cap | batch | best epoch | validation NDCG@10 |").AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            for (var i = 0; i < trials.Count; i++)
            {
                var (o, epoch, ndcg) = trials[i];
                md.AppendLine(CultureInfo.InvariantCulture, $"| {i + 1} | {o.Hidden} | {o.Latent} | {o.Dropout} | {o.LearningRate} | {o.WeightDecay} | {o.AnnealCap} | {o.BatchSize} | {epoch} | {ndcg:F4} |");
            }

            md.AppendLine();
        }

        return Finish(folder, metadata, md);
    }

    private static ModelMetadata Metadata(SequenceDataset data, EngineConfig config, TrainingSource source, string target, Dictionary<string, string> options, Dictionary<string, double> metrics)
    {
        var times = data.Sequences.SelectMany(s => s).Select(x => x.TimeMs).DefaultIfEmpty().ToArray();
        metrics["users"] = data.Users;
        metrics["items"] = data.Items;
        metrics["interactions"] = data.Interactions;
        return new ModelMetadata
        {
            Kind = string.Empty,
            Version = string.Empty,
            CreatedAt = DateTimeOffset.UtcNow,
            FeatureSchemaHash = string.Empty,
            Target = target,
            EngineConfigHash = EngineConfigJson.Hash(config),
            EngineConfig = EngineConfigJson.Canonical(config),
            TrainedFrom = DateTimeOffset.FromUnixTimeMilliseconds(times.Min()),
            ValidationFrom = DateTimeOffset.FromUnixTimeMilliseconds(times.Max()),
            TrainedTo = DateTimeOffset.FromUnixTimeMilliseconds(times.Max()),
            Dataset = source.Dataset,
            Format = source.Format,
            Seed = source.Seed,
            Options = options,
            Metrics = metrics,
            WeightsSha256 = string.Empty,
        };
    }

    private static StringBuilder Header(ModelMetadata m, string title)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {m.Version}").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{title} on {m.Dataset} ({m.Format}): {m.ItemCount} items (vocabulary {m.FeatureSchemaHash}); seed {m.Seed}.").AppendLine();
        md.AppendLine("| option | value |").AppendLine("| --- | --- |");
        foreach (var (key, value) in m.Options)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {value} |");
        }

        md.AppendLine().AppendLine("| metric | value |").AppendLine("| --- | --- |");
        foreach (var (key, value) in m.Metrics)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {value:G6} |");
        }

        return md.AppendLine();
    }

    private static int Finish(string folder, ModelMetadata metadata, StringBuilder md)
    {
        File.WriteAllText(Path.Combine(folder, "report.md"), md.ToString());
        Console.WriteLine(JsonSerializer.Serialize(new { version = metadata.Version, metrics = metadata.Metrics, folder = Path.GetFullPath(folder) }));
        return 0;
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
