using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Persona.Core.Engine;
using Persona.Evaluation;
using Persona.Evaluation.Loaders;
using Persona.Evaluation.Models;
using Persona.Evaluation.Protocols;
using Persona.Recommend.Ranking;

namespace Persona.Cli.Commands;

/// <summary><c>persona evaluate</c>: a protocol over a real dataset; writes report.json and a Markdown summary.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder or main file", Required = true };
        var format = new Option<string>("--format") { Description = "Dataset format", DefaultValueFactory = _ => "s3rec" };
        format.AcceptOnlyFromAmong([.. Datasets.Formats, "synthetic"]);
        var protocol = new Option<string>("--protocol") { Description = "Evaluation protocol", DefaultValueFactory = _ => "loo" };
        protocol.AcceptOnlyFromAmong("loo", "cold-start", "ms-stratified", "prequential", "freshness", "interest", "session", "next-category", "churn");
        var model = new Option<string>("--model") { Description = "Model: random, popularity, popularity-all (leaky, as the published PopRec), popularity-decayed, itemknn, sequential-rules, interest, sequence (learned, SASRec), vae (learned, Mult-VAE); interest-mlp (next-category); churn (churn and purchase propensity); service (the served recommender: candidates, blend and rules)", DefaultValueFactory = _ => "popularity" };
        model.AcceptOnlyFromAmong("random", "popularity", "popularity-all", "popularity-decayed", "itemknn", "sequential-rules", "interest", "sequence", "vae", "interest-mlp", "churn", "service");
        var inner = new Option<string>("--scorer") { Description = "service: the learned candidate source (sequence trains SASRec first; none uses the stream-kept sources only)", DefaultValueFactory = _ => "none" };
        inner.AcceptOnlyFromAmong("none", "sequence");
        var learnBlend = new Option<bool>("--learn-blend") { Description = "service: choose the blend weights by coordinate ascent on each user's validation item (else the heuristic blend)", DefaultValueFactory = _ => true };
        var categoryShare = new Option<double>("--max-category-share") { Description = "service: most share of an answer from one leaf category (1 = no cap)", DefaultValueFactory = _ => 0.5 };
        var ablate = new Option<string[]>("--ablate") { Description = "service: blend features held at 0, to measure what each source adds (sequence, coOccurrence, interest, trending, buyAgain, newArrival, context, clickThrough)", AllowMultipleArgumentsPerToken = true };
        ablate.AcceptOnlyFromAmong([.. RankingFeatures.Names]);
        var coldUsers = new Option<double>("--cold-share") { Description = "cold-start: share of users held out entirely, then given their first 1 and 2 events", DefaultValueFactory = _ => 0.1 };
        var target = new Option<string>("--target") { Description = "next-category: the category of the next interaction or of the next purchase", DefaultValueFactory = _ => "next" };
        target.AcceptOnlyFromAmong("next", "next-purchase");
        var mlp = MlpOptionSet.Create();
        var sequence = SequenceOptionSet.Create();
        var vae = VaeOptionSet.Create();
        var k = new Option<int>("--k") { Description = "Headline cut-off", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };
        var negatives = new Option<int>("--negatives") { Description = "Sampled negatives (0 = full ranking)", DefaultValueFactory = _ => 0 };
        var blend = new Option<float>("--blend") { Description = "interest model: 0 ranks by interest match; > 0 multiplies popularity by (blend + match)", DefaultValueFactory = _ => 0f };
        var users = new Option<int>("--users") { Description = "synthetic: users", DefaultValueFactory = _ => 2_000 };
        var events = new Option<long>("--events") { Description = "synthetic: events", DefaultValueFactory = _ => 300_000 };
        var refresh = new Option<double>("--refresh-hours") { Description = "freshness: refresh period of the periodic variant (event time)", DefaultValueFactory = _ => 24 };
        var horizon = new Option<double>("--horizon-days") { Description = "synthetic: span over which change points and churn are planted", DefaultValueFactory = _ => 20 };
        var halfLife = new Option<double>("--half-life-days") { Description = "popularity-decayed: half-life", DefaultValueFactory = _ => 30 };
        var window = new Option<double>("--window-days") { Description = "churn: the window T after each cut (churn: no activity in it; propensity: a purchase in it)", DefaultValueFactory = _ => 90 };
        var step = new Option<double>("--step-days") { Description = "churn: days between training cuts", DefaultValueFactory = _ => 30 };
        var cuts = new Option<int>("--train-cuts") { Description = "churn: most training cuts", DefaultValueFactory = _ => 4 };
        var output = new Option<string>("--out") { Description = "Report path", DefaultValueFactory = _ => "report.json" };
        var engineConfig = CommonOptions.EngineConfig();
        var command = new Command("evaluate", "Evaluate a model on a real dataset with a published protocol") { dataset, format, protocol, model, k, seed, negatives, blend, users, events, refresh, horizon, halfLife, output, engineConfig, target, window, step, cuts, inner, learnBlend, categoryShare, coldUsers, ablate };
        mlp.AddTo(command);
        sequence.AddTo(command);
        vae.AddTo(command);
        command.SetAction(r =>
        {
            var watch = Stopwatch.StartNew();
            var config = r.GetValue(engineConfig) is { } path ? EngineConfigJson.Load(path) : null;
            if ((r.GetValue(protocol) == "next-category") != (r.GetValue(model) == "interest-mlp"))
            {
                Console.Error.WriteLine("protocol: next-category evaluates --model interest-mlp (with its baselines), and interest-mlp runs on next-category");
                return 2;
            }

            if ((r.GetValue(protocol) == "churn") != (r.GetValue(model) == "churn"))
            {
                Console.Error.WriteLine("protocol: churn evaluates --model churn (with its baselines), and churn runs on the churn protocol");
                return 2;
            }

            if (r.GetValue(protocol) == "churn")
            {
                var churnOptions = mlp.Options(r, r.GetValue(seed));
                var (churnEvents, churnCatalog, churnName) = r.GetValue(format) == "synthetic"
                    ? SyntheticData.Events(r.GetValue(seed), r.GetValue(users), r.GetValue(events), r.GetValue(horizon))
                    : Datasets.LoadEvents(r.GetValue(format)!, r.GetValue(dataset)!) is var cd ? (cd.Events, cd.Catalog, cd.Name) : default;
                var (cm, testRows, calibration) = ChurnProtocol.Run(churnEvents, churnCatalog, config, r.GetValue(window), churnOptions, MlpOptionSet.PrintEpoch, r.GetValue(mlp.Search), MlpOptionSet.PrintTrial, r.GetValue(cuts), r.GetValue(step));
                var code = Write(new EvaluationReport(churnName, r.GetValue(format)!, string.Create(CultureInfo.InvariantCulture, $"churn({r.GetValue(window)}d)"), "churn", 0, testRows, Math.Round(watch.Elapsed.TotalSeconds, 2), cm), r.GetValue(output)!);
                File.AppendAllText(Path.ChangeExtension(r.GetValue(output)!, ".md"), CalibrationMarkdown(calibration));
                return code;
            }

            if (r.GetValue(protocol) == "next-category")
            {
                var mlpOptions = mlp.Options(r, r.GetValue(seed));
                var (nextEvents, nextCatalog, name) = r.GetValue(format) == "synthetic"
                    ? SyntheticData.Events(r.GetValue(seed), r.GetValue(users), r.GetValue(events), r.GetValue(horizon))
                    : Datasets.LoadEvents(r.GetValue(format)!, r.GetValue(dataset)!) is var d ? (d.Events, d.Catalog, d.Name) : default;
                var (nm, rows) = NextCategoryProtocol.Run(
                    nextEvents,
                    nextCatalog,
                    config,
                    r.GetValue(target) == "next-purchase" ? Persona.Models.Interest.InterestTarget.NextPurchase : Persona.Models.Interest.InterestTarget.NextInteraction,
                    mlpOptions,
                    MlpOptionSet.PrintEpoch,
                    search: r.GetValue(mlp.Search),
                    trialStarted: MlpOptionSet.PrintTrial);
                return Write(new EvaluationReport(name, r.GetValue(format)!, $"next-category({r.GetValue(target)})", "interest-mlp", 5, rows, Math.Round(watch.Elapsed.TotalSeconds, 2), nm), r.GetValue(output)!);
            }

            if (r.GetValue(protocol) is "freshness" or "interest" && r.GetValue(model) != "interest")
            {
                Console.Error.WriteLine("protocol: freshness and interest evaluate the engine's profiles: use --model interest");
                return 2;
            }

            if (r.GetValue(protocol) == "interest" && r.GetValue(format) != "synthetic")
            {
                Console.Error.WriteLine("protocol: interest needs planted ground truth: use --format synthetic");
                return 2;
            }

            if (r.GetValue(format) == "synthetic")
            {
                if (r.GetValue(protocol) is not ("freshness" or "interest"))
                {
                    Console.Error.WriteLine("format: synthetic runs the freshness, interest and next-category protocols");
                    return 2;
                }

                var shop = SyntheticData.Shop(r.GetValue(seed), r.GetValue(users), r.GetValue(events), r.GetValue(horizon));
                var (fm, evaluated) = r.GetValue(protocol) == "interest"
                    ? InterestAccuracyProtocol.Run(shop, config)
                    : FreshnessProtocol.Run(shop, r.GetValue(k), refreshHours: r.GetValue(refresh), config: config);
                return Write(new EvaluationReport($"synthetic(seed={r.GetValue(seed)},users={r.GetValue(users)},events={r.GetValue(events)})", "synthetic", r.GetValue(protocol)!, "interest", r.GetValue(k), evaluated, Math.Round(watch.Elapsed.TotalSeconds, 2), fm), r.GetValue(output)!);
            }

            if (r.GetValue(protocol) is "prequential" or "freshness")
            {
                var loaded = Datasets.LoadEvents(r.GetValue(format)!, r.GetValue(dataset)!);
                var ordered = loaded.Events.OrderBy(e => e.TimestampMs).ToList();
                string[] variants = r.GetValue(protocol) == "freshness" ? ["live", "frozen", "periodic"] : ["live", "popularity"];
                var (pm, count) = FreshnessProtocol.Run(ordered, loaded.Catalog, (long)(ordered.Count * 0.3), variants, r.GetValue(k), r.GetValue(refresh), config);
                return Write(new EvaluationReport(loaded.Name, r.GetValue(format)!, r.GetValue(protocol)!, "interest", r.GetValue(k), count, Math.Round(watch.Elapsed.TotalSeconds, 2), pm), r.GetValue(output)!);
            }

            if (r.GetValue(model) is "sequence" or "vae" or "service" && r.GetValue(protocol) is not ("loo" or "ms-stratified" or "cold-start"))
            {
                Console.Error.WriteLine($"protocol: --model {r.GetValue(model)} runs on loo and ms-stratified");
                return 2;
            }

            if (r.GetValue(protocol) == "session")
            {
                var (train, test) = Datasets.LoadSessionSplit(r.GetValue(format)!, r.GetValue(dataset)!);
                var sessionModel = CreateModel(r.GetValue(model)!, stratified: false, r.GetValue(seed), r.GetValue(blend), r.GetValue(halfLife), config);
                var (sm, sessions, predictions) = SessionProtocol.Run(train, test, sessionModel);
                sm["predictions"] = predictions;
                return Write(new EvaluationReport(train.Name, r.GetValue(format)!, "session", sessionModel.Name, r.GetValue(k), sessions, Math.Round(watch.Elapsed.TotalSeconds, 2), sm), r.GetValue(output)!);
            }

            var data = Datasets.LoadSequences(r.GetValue(format)!, r.GetValue(dataset)!);
            var stratified = r.GetValue(protocol) == "ms-stratified";
            ISequenceModel m = r.GetValue(model) switch
            {
                "sequence" => new SequenceModel(sequence.Options(r, mlp, r.GetValue(seed)), SequenceOptionSet.PrintEpoch),
                "service" => new ServiceModel(
                    r.GetValue(inner) == "sequence" ? new SequenceModel(sequence.Options(r, mlp, r.GetValue(seed)), SequenceOptionSet.PrintEpoch) : null,
                    new ServiceModelOptions { Learn = r.GetValue(learnBlend), Seed = r.GetValue(seed), Ablate = r.GetValue(ablate) ?? [], Recommender = new() { MaxCategoryShare = r.GetValue(categoryShare) } },
                    Console.Error.WriteLine),
                "vae" => new VaeModel(vae.Options(r, mlp, sequence, r.GetValue(seed)), VaeOptionSet.PrintEpoch, r.GetValue(mlp.Search), VaeOptionSet.PrintTrial, r.GetValue(vae.Refine)),
                _ => CreateModel(r.GetValue(model)!, stratified, r.GetValue(seed), r.GetValue(blend), r.GetValue(halfLife), config),
            };
            var (metrics, evaluatedUsers) = stratified
                ? StratifiedSplit.Run(data, m, r.GetValue(k), seed: r.GetValue(seed))
                : r.GetValue(protocol) == "cold-start"
                    ? ColdStart.Run(data, m, r.GetValue(coldUsers), r.GetValue(seed))
                    : LeaveOneOut.Run(data, m, r.GetValue(negatives), r.GetValue(seed));
            if (m is ServiceModel service)
            {
                foreach (var (name, value) in service.Weights.Entries)
                {
                    metrics[$"blend.{name}"] = value;
                }

                File.WriteAllText(Path.ChangeExtension(r.GetValue(output)!, ".blend.json"), JsonSerializer.Serialize(service.Weights, Json.Options));
                if (service.Validation is { } v)
                {
                    metrics["validation_ndcg@10.heuristic"] = Math.Round(v.Heuristic, 6);
                    metrics["validation_ndcg@10.learned"] = Math.Round(v.Learned, 6);
                }
            }

            if (m is ServiceModel { Inner: SequenceModel { Trained: { } innerTrained } })
            {
                metrics["train_seconds"] = Math.Round(innerTrained.Seconds, 1);
                metrics["sequence.best_epoch"] = innerTrained.BestEpoch;
            }
            if (m is SequenceModel { Trained: { } trained })
            {
                metrics["train_seconds"] = Math.Round(trained.Seconds, 1);
                metrics["best_epoch"] = trained.BestEpoch;
                metrics["validation_ndcg@10"] = trained.Best.ValidationNdcg10;
                metrics["validation_hr@10"] = trained.Best.ValidationHr10;
                metrics["parity_max_abs_diff"] = trained.ParityMaxAbsDiff;
            }

            if (m is VaeModel { Trained: { } trainedVae } vaeModel)
            {
                metrics["train_seconds"] = Math.Round(trainedVae.Seconds, 1);
                metrics["best_epoch"] = trainedVae.BestEpoch;
                metrics["validation_ndcg@10"] = trainedVae.BestValidationNdcg10;
                metrics["parity_max_abs_diff"] = trainedVae.ParityMaxAbsDiff;
                if (vaeModel.Chosen is { } chosen)
                {
                    metrics["vae.hidden"] = chosen.Hidden;
                    metrics["vae.latent"] = chosen.Latent;
                    metrics["vae.dropout"] = chosen.Dropout;
                    metrics["vae.learning_rate"] = chosen.LearningRate;
                    metrics["vae.weight_decay"] = chosen.WeightDecay;
                    metrics["vae.anneal_cap"] = chosen.AnnealCap;
                    metrics["vae.anneal_steps"] = chosen.AnnealSteps;
                    metrics["vae.batch_size"] = chosen.BatchSize;
                    metrics["vae.trials"] = Math.Max(1, vaeModel.Trials.Count);
                }
            }

            var protocolName = stratified ? "ms-stratified" : r.GetValue(negatives) > 0 ? $"loo-sampled-{r.GetValue(negatives)}" : "loo";
            return Write(new EvaluationReport(data.Name, r.GetValue(format)!, protocolName, m.Name, r.GetValue(k), evaluatedUsers, Math.Round(watch.Elapsed.TotalSeconds, 2), metrics), r.GetValue(output)!);
        });
        return command;
    }

    private static ISequenceModel CreateModel(string name, bool stratified, int seed, float blend, double halfLifeDays, EngineConfig? config) => name switch
    {
        "random" => new RandomModel(seed),
        "itemknn" => stratified ? new ItemKnnModel { Recent = int.MaxValue, RecencyWeighted = false, Neighbours = 200 } : new ItemKnnModel(),
        "sequential-rules" => new SequentialRulesModel(),
        "interest" => config is null ? new InterestModel { Blend = blend } : new InterestModel { Blend = blend, Config = config },
        "popularity-all" => new PopularityModel(leaky: true),
        "popularity-decayed" => new DecayedPopularityModel(TimeSpan.FromDays(halfLifeDays)),
        _ => new PopularityModel(),
    };

    /// <summary>Each predictor's calibration table (test cut): rows, mean prediction and observed rate per probability bin.</summary>
    private static string CalibrationMarkdown(IReadOnlyDictionary<string, IReadOnlyList<BinaryMetrics.Bin>> calibration)
    {
        var md = new StringBuilder();
        foreach (var (name, bins) in calibration.Where(c => !c.Key.EndsWith(".base_rate", StringComparison.Ordinal)))
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Calibration of {name} (test):").AppendLine();
            md.AppendLine("| predicted | rows | mean predicted | observed |").AppendLine("| --- | --- | --- | --- |");
            foreach (var b in bins.Where(b => b.Rows > 0))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {b.From:F1}–{b.To:F1} | {b.Rows} | {b.MeanPredicted:F3} | {b.Observed:F3} |");
            }
        }

        return md.ToString();
    }

    private static int Write(EvaluationReport report, string path)
    {
        var metrics = report.Metrics;
        var users = report.UsersEvaluated;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        {
            File.WriteAllText(path, JsonSerializer.Serialize(report, Json.Options));
            var md = new StringBuilder();
            md.AppendLine(CultureInfo.InvariantCulture, $"# {report.Dataset} · {report.Protocol} · {report.Model}").AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"{users} evaluated in {report.Seconds} s.").AppendLine();
            md.AppendLine("| metric | value |").AppendLine("| --- | --- |");
            foreach (var (key, value) in metrics)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {value:F4} |");
            }

            File.WriteAllText(Path.ChangeExtension(path, ".md"), md.ToString());
            ReportPlot.Save(report, Path.ChangeExtension(path, ".png"));
            Console.WriteLine(JsonSerializer.Serialize(report));
            return 0;
        }
    }
}
