using System.Diagnostics;
using System.Globalization;
using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Evaluation.Protocols;
using Persona.Evaluation.Recommenders;
using Persona.Models.Interest;
using Persona.Models.Sentiment;

namespace Persona.Evaluation;

/// <summary>
/// Runs an <see cref="EvaluationRequest"/>: loads the dataset, builds the model, runs the protocol and returns
/// the report with the training figures of a learned model.
/// </summary>
public static class EvaluationRun
{
    /// <summary>Why the request's protocol, model and format do not go together; null when they do.</summary>
    public static string? Validate(EvaluationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (protocol, model, format) = (request.Protocol, request.Model, request.Format);
        return (protocol == "cross-domain") != (model == "cross-domain")
            ? "protocol: cross-domain evaluates --model cross-domain (co-occurrence across domains against the target domain's popularity)"
            : (protocol == "review-sentiment") != (model == "sentiment")
            ? "protocol: review-sentiment evaluates --model sentiment (with the lexicon as its baseline), and sentiment runs on review-sentiment"
            : protocol == "review-sentiment" && format == "synthetic"
            ? "protocol: review-sentiment needs review text: use --format amazon-reviews, labelled-sentences or canonical"
            : (protocol == "next-category") != (model == "interest-mlp")
            ? "protocol: next-category evaluates --model interest-mlp (with its baselines), and interest-mlp runs on next-category"
            : (protocol == "churn") != (model == "churn")
            ? "protocol: churn evaluates --model churn (with its baselines), and churn runs on the churn protocol"
            : protocol is "freshness" or "interest" && model != "interest"
            ? "protocol: freshness and interest evaluate the engine's profiles: use --model interest"
            : protocol == "interest" && format != "synthetic"
            ? "protocol: interest needs planted ground truth: use --format synthetic"
            : format == "synthetic" && protocol is not ("freshness" or "interest" or "churn" or "next-category" or "cross-domain")
            ? "format: synthetic runs the freshness, interest, churn, next-category and cross-domain protocols"
            : model is "sequence" or "vae" or "service" && protocol is not ("loo" or "ms-stratified" or "cold-start" or "prequential")
            ? $"protocol: --model {model} runs on loo and ms-stratified"
            : null;
    }

    /// <summary>Runs a request that <see cref="Validate"/> accepts.</summary>
    public static EvaluationOutcome Run(EvaluationRequest request)
    {
        if (Validate(request) is { } error)
        {
            throw new ArgumentException(error, nameof(request));
        }

        var watch = Stopwatch.StartNew();
        return request.Protocol switch
        {
            "churn" => Churn(request, watch),
            "review-sentiment" => ReviewSentiment(request, watch),
            "cross-domain" => CrossDomain(request, watch),
            "next-category" => NextCategory(request, watch),
            _ when request.Format == "synthetic" => Synthetic(request, watch),
            "prequential" or "freshness" => Prequential(request, watch),
            "session" => Session(request, watch),
            _ => Ranking(request, watch),
        };
    }

    private static EvaluationOutcome Churn(EvaluationRequest q, Stopwatch watch)
    {
        var (events, catalog, name) = Events(q);
        var (metrics, rows, calibration) = ChurnProtocol.Run(events, catalog, q.Config, q.WindowDays, q.MlpOptions(), q.Progress.MlpEpoch, q.Search, q.Progress.MlpTrial, q.TrainCuts, q.StepDays);
        var protocol = string.Create(CultureInfo.InvariantCulture, $"churn({q.WindowDays}d)");
        return new(Report(q, name, protocol, "churn", 0, rows, watch, metrics), EvaluationMarkdown.Calibration(calibration));
    }

    private static EvaluationOutcome CrossDomain(EvaluationRequest q, Stopwatch watch)
    {
        var (events, catalog, name) = Events(q);
        var (metrics, users) = CrossDomainProtocol.Run(events, catalog, q.K, q.Seed);
        return new(Report(q, name, "cross-domain", "cross-domain", q.K, users, watch, metrics));
    }

    private static EvaluationOutcome ReviewSentiment(EvaluationRequest q, Stopwatch watch)
    {
        var (events, _, name) = Events(q);
        var result = ReviewSentimentProtocol.Run(events, new SentimentOptions(), q.Seed);
        return new(Report(q, name, "review-sentiment", "sentiment", 0, result.TestRows, watch, result.Metrics) with { Baseline = result.Baseline });
    }

    private static EvaluationOutcome NextCategory(EvaluationRequest q, Stopwatch watch)
    {
        var (events, catalog, name) = Events(q);
        var target = q.Target == "next-purchase" ? InterestTarget.NextPurchase : InterestTarget.NextInteraction;
        var (metrics, rows) = NextCategoryProtocol.Run(events, catalog, q.Config, target, q.MlpOptions(), q.Progress.MlpEpoch, search: q.Search, trialStarted: q.Progress.MlpTrial);
        return new(Report(q, name, $"next-category({q.Target})", "interest-mlp", 5, rows, watch, metrics));
    }

    private static EvaluationOutcome Synthetic(EvaluationRequest q, Stopwatch watch)
    {
        var shop = SyntheticData.Shop(q.Seed, q.Users, q.Events, q.HorizonDays);
        var (metrics, evaluated) = q.Protocol == "interest"
            ? InterestAccuracyProtocol.Run(shop, q.Config)
            : FreshnessProtocol.Run(shop, q.K, refreshHours: q.RefreshHours, config: q.Config);
        return new(Report(q, $"synthetic(seed={q.Seed},users={q.Users},events={q.Events})", q.Protocol, "interest", q.K, evaluated, watch, metrics));
    }

    private static EvaluationOutcome Prequential(EvaluationRequest q, Stopwatch watch)
    {
        var loaded = DatasetLoader.LoadEvents(q.Format, q.Dataset);
        var ordered = loaded.Events.OrderBy(e => e.TimestampMs).ToList();
        string[] variants = q.Protocol == "freshness" ? ["live", "frozen", "periodic"] : ["live", "popularity"];
        var (metrics, count) = FreshnessProtocol.Run(ordered, loaded.Catalog, (long)(ordered.Count * 0.3), variants, q.K, q.RefreshHours, q.Config);
        return new(Report(q, loaded.Name, q.Protocol, "interest", q.K, count, watch, metrics));
    }

    private static EvaluationOutcome Session(EvaluationRequest q, Stopwatch watch)
    {
        var (train, test) = SessionProtocol.LoadSplit(q.Format, q.Dataset);
        var model = Baseline(q, stratified: false);
        var (metrics, sessions, predictions) = SessionProtocol.Run(train, test, model);
        metrics["predictions"] = predictions;
        return new(Report(q, train.Name, "session", model.Name, q.K, sessions, watch, metrics));
    }

    /// <summary>The ranking protocols (leave-one-out, Microsoft's stratified split, cold start) on per-user sequences.</summary>
    private static EvaluationOutcome Ranking(EvaluationRequest q, Stopwatch watch)
    {
        var data = DatasetLoader.LoadSequences(q.Format, q.Dataset);
        var stratified = q.Protocol == "ms-stratified";
        var model = RankingModel(q, stratified);
        var (metrics, users) = stratified
            ? StratifiedSplit.Run(data, model, q.K, seed: q.Seed)
            : q.Protocol == "cold-start"
                ? ColdStart.Run(data, model, q.ColdShare, q.Seed)
                : LeaveOneOut.Run(data, model, q.Negatives, q.Seed);
        TrainedModelMetrics.Add(model, metrics);
        var protocol = stratified ? "ms-stratified" : q.Negatives > 0 ? $"loo-sampled-{q.Negatives}" : "loo";
        return new(Report(q, data.Name, protocol, model.Name, q.K, users, watch, metrics), Blend: (model as ServiceModel)?.Weights);
    }

    private static ISequenceModel RankingModel(EvaluationRequest q, bool stratified) => q.Model switch
    {
        "sequence" => new SequenceModel(q.SequenceOptions(), q.Progress.SequenceEpoch),
        "service" => new ServiceModel(
            q.Scorer == "sequence" ? new SequenceModel(q.SequenceOptions(), q.Progress.SequenceEpoch) : null,
            new ServiceModelOptions { Learn = q.LearnBlend, Seed = q.Seed, Ablate = [.. q.Ablate], Recommender = new() { MaxCategoryShare = q.MaxCategoryShare } },
            q.Progress.Log),
        "vae" => new VaeModel(q.VaeOptions(), q.Progress.VaeEpoch, q.Search, q.Progress.VaeTrial, q.Refine),
        _ => Baseline(q, stratified),
    };

    private static ISequenceModel Baseline(EvaluationRequest q, bool stratified) => q.Model switch
    {
        "random" => new RandomModel(q.Seed),
        "itemknn" => stratified ? new ItemKnnModel { Recent = int.MaxValue, RecencyWeighted = false, Neighbours = 200 } : new ItemKnnModel(),
        "sequential-rules" => new SequentialRulesModel(),
        "interest" => q.Config is null ? new InterestModel { Blend = q.Blend } : new InterestModel { Blend = q.Blend, Config = q.Config },
        "popularity-all" => new PopularityModel(leaky: true),
        "popularity-decayed" => new DecayedPopularityModel(TimeSpan.FromDays(q.HalfLifeDays)),
        _ => new PopularityModel(),
    };

    private static (IReadOnlyList<BehaviorEvent> Events, IReadOnlyList<CatalogItem> Catalog, string Name) Events(EvaluationRequest q) =>
        q.Format == "synthetic"
            ? SyntheticData.Events(q.Seed, q.Users, q.Events, q.HorizonDays, q.ReviewShare, q.PlantedDissatisfaction, q.RatingProbability)
            : DatasetLoader.LoadEvents(q.Format, q.Dataset) is var d ? (d.Events, d.Catalog, d.Name) : default;

    private static EvaluationReport Report(EvaluationRequest q, string dataset, string protocol, string model, int k, int evaluated, Stopwatch watch, IReadOnlyDictionary<string, double> metrics) =>
        new(dataset, q.Format, protocol, model, k, evaluated, Math.Round(watch.Elapsed.TotalSeconds, 2), metrics);
}
