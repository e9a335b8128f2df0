using System.Globalization;
using System.Text;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Models.Artifacts;
using Persona.Models.Sentiment;

namespace Persona.Evaluation.Trainers;

/// <summary>
/// Trains the review-sentiment model on every review with text and stars: the newest 10 % by time is the
/// validation part its settings are chosen on (<see cref="SentimentTrainer"/>), then it learns from all of them,
/// and it is written as a <see cref="SentimentModelArtifact"/> for the registry.
/// </summary>
public static class SentimentTraining
{
    public static TrainingResult Run(IReadOnlyList<BehaviorEvent> events, SentimentOptions options, string folder, TrainingSource source, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(source);
        var rows = events.Where(e => e.Rating is >= 1 and <= 5 && !string.IsNullOrWhiteSpace(e.Text))
            .OrderBy(e => e.TimestampMs).ThenBy(e => e.EventId, StringComparer.Ordinal).ToList();
        if (rows.Count < 20)
        {
            throw new ArgumentException($"sentiment: {rows.Count} reviews with text and stars; at least 20 are needed");
        }

        var validationFrom = (int)(rows.Count * 0.9);
        var reviews = rows.Select(e => new LabelledReview(e.Text!, e.Rating!.Value)).ToList();
        var trained = SentimentTrainer.Train(reviews[..validationFrom], reviews[validationFrom..], options with { Seed = source.Seed });
        var metadata = new ModelMetadataBuilder(SentimentModelArtifact.Kind, "review-pleased-and-stars", new EngineConfig(), source, time)
            .Window(rows[0].TimestampMs, rows[validationFrom].TimestampMs, rows[^1].TimestampMs)
            .Option("bits", trained.Model.Bits)
            .Option("bigrams", trained.Model.Bigrams ? "true" : "false")
            .Option("positiveLexicon", trained.PositiveLexicon ? "true" : "false")
            .Option("positiveL2", trained.PositiveL2)
            .Option("positiveEpochs", trained.PositiveEpochs)
            .Option("starsLexicon", trained.StarsLexicon ? "true" : "false")
            .Option("starsL2", trained.StarsL2)
            .Option("starsEpochs", trained.StarsEpochs)
            .Metric("rowsTrain", validationFrom)
            .Metric("rowsValidation", rows.Count - validationFrom)
            .Metric("validationAuc", Math.Round(trained.ValidationAuc, 4))
            .Metric("validationMae", Math.Round(trained.ValidationMae, 4))
            .Metric("searchTrials", trained.Trials)
            .Build();
        var saved = SentimentModelArtifact.Save(folder, trained.Model, metadata);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {saved.Version}").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Review-sentiment model on {saved.Dataset} ({saved.Format}): hashed words{(trained.Model.Bigrams ? " and word pairs" : string.Empty)} in 2^{trained.Model.Bits} buckets, a logistic head for 4–5 against 1–2 stars and a least-squares head for stars; seed {saved.Seed}.").AppendLine();
        TrainingReport.Metrics(md, saved);
        return new TrainingResult(saved, md.ToString());
    }
}
