using System.Globalization;
using System.Text;
using Persona.Core.Engine;
using Persona.Evaluation.Recommenders;
using Persona.Models.Artifacts;
using Persona.Models.Collaborative;
using Persona.Models.Sequence;

namespace Persona.Evaluation.Trainers;

/// <summary>
/// Trains an item model on every user's whole sequence (the newest item per user validates: early stopping
/// for the sequence model; the VAE holds out a share of each user's items) and writes it as an
/// <see cref="ItemModelArtifact"/>.
/// </summary>
public static class ItemModelTraining
{
    /// <summary>The self-attentive sequence model (SASRec) for the next item.</summary>
    public static TrainingResult Sequence(SequenceDataset data, SequenceModelOptions options, EngineConfig config, string folder, TrainingSource source, TrainingProgress progress, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        LogSize(data, progress);
        var (corpus, typeNames) = SequenceModel.Corpus(data, data.Sequences);
        var trained = SequenceTrainer.Train(corpus, options, progress.SequenceEpoch);
        var metadata = Metadata(data, config, source, "next-item", time)
            .Option("dimension", options.Dimension)
            .Option("blocks", options.Blocks)
            .Option("heads", options.Heads)
            .Option("maxLength", options.MaxLength)
            .Option("dropout", options.Dropout)
            .Option("learningRate", options.LearningRate)
            .Option("batchSize", options.BatchSize)
            .Option("negatives", options.Negatives)
            .Option("attributes", options.UseAttributes ? "true" : "false")
            .Metric("validationHr10", Math.Round(trained.Best.ValidationHr10, 4))
            .Metric("validationNdcg10", Math.Round(trained.Best.ValidationNdcg10, 4))
            .Metric("bestEpoch", trained.BestEpoch)
            .Metric("trainSeconds", Math.Round(trained.Seconds, 1))
            .Metric("parityMaxAbsDiff", trained.ParityMaxAbsDiff);
        var saved = ItemModelArtifact.Save(folder, trained.SelfAttentive, data.ItemIds, typeNames, WithSize(metadata, data).Build());
        var md = Header(saved, "Sequence model (SASRec)");
        md.AppendLine("| epoch | train loss | validation HR@10 | validation NDCG@10 | seconds |").AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var e in trained.Epochs)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {e.Epoch} | {e.TrainLoss:F4} | {e.ValidationHr10:F4} | {e.ValidationNdcg10:F4} | {e.Seconds:F1} |");
        }

        return new TrainingResult(saved, md.ToString());
    }

    /// <summary>The collaborative VAE (Mult-VAE) over each user's set of items, with the hyper-parameter search.</summary>
    public static TrainingResult Vae(SequenceDataset data, VaeOptions options, int search, int refine, EngineConfig config, string folder, TrainingSource source, TrainingProgress progress, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(progress);
        LogSize(data, progress);
        var (trained, chosen, trials) = VaeSearch.Run([.. data.Sequences.Select(s => s.Select(x => x.Item).ToArray())], data.Items, options, search, progress.VaeTrial, progress.VaeEpoch, refine);
        var metadata = Metadata(data, config, source, "items", time)
            .Option("hidden", chosen.Hidden)
            .Option("latent", chosen.Latent)
            .Option("dropout", chosen.Dropout)
            .Option("learningRate", chosen.LearningRate)
            .Option("weightDecay", chosen.WeightDecay)
            .Option("annealCap", chosen.AnnealCap)
            .Option("batchSize", chosen.BatchSize)
            .Option("searchTrials", Math.Max(1, trials.Count))
            .Metric("validationNdcg10", Math.Round(trained.BestValidationNdcg10, 4))
            .Metric("bestEpoch", trained.BestEpoch)
            .Metric("trainSeconds", Math.Round(trained.Seconds, 1))
            .Metric("parityMaxAbsDiff", trained.ParityMaxAbsDiff);
        var saved = ItemModelArtifact.Save(folder, trained.Model, data.ItemIds, WithSize(metadata, data).Build());
        var md = Header(saved, "Collaborative VAE (Mult-VAE)");
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

        return new TrainingResult(saved, md.ToString());
    }

    private static void LogSize(SequenceDataset data, TrainingProgress progress) =>
        progress.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{data.Name}: {data.Users:N0} users, {data.Items:N0} items, {data.Interactions:N0} interactions"));

    /// <summary>An item model's metadata: no features; its window is the data's whole event time (validation inside it).</summary>
    private static ModelMetadataBuilder Metadata(SequenceDataset data, EngineConfig config, TrainingSource source, string target, TimeProvider time)
    {
        var times = data.Sequences.SelectMany(s => s).Select(x => x.TimeMs).DefaultIfEmpty().ToArray();
        return new ModelMetadataBuilder(string.Empty, target, config, source, time).Window(times.Min(), times.Max(), times.Max());
    }

    /// <summary>The data's size, after the model's own metrics.</summary>
    private static ModelMetadataBuilder WithSize(ModelMetadataBuilder metadata, SequenceDataset data) =>
        metadata.Metric("users", data.Users).Metric("items", data.Items).Metric("interactions", data.Interactions);

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

        md.AppendLine();
        TrainingReport.Metrics(md, m);
        return md.AppendLine();
    }
}
