using System.CommandLine;
using Persona.Core.Engine;
using Persona.Datasets;
using Persona.Evaluation;
using Persona.Recommend.Ranking;

namespace Persona.Cli.Commands;

/// <summary>The options of <c>persona evaluate</c>, and the <see cref="EvaluationRequest"/> they make.</summary>
internal sealed class EvaluateOptionSet
{
    public EvaluateOptionSet()
    {
        Format.AcceptOnlyFromAmong([.. DatasetLoader.Formats, "synthetic"]);
        Protocol.AcceptOnlyFromAmong("loo", "cold-start", "ms-stratified", "prequential", "freshness", "interest", "session", "next-category", "churn", "review-sentiment", "cross-domain");
        Model.AcceptOnlyFromAmong("random", "popularity", "popularity-all", "popularity-decayed", "itemknn", "sequential-rules", "interest", "sequence", "vae", "interest-mlp", "churn", "service", "sentiment", "cross-domain");
        Scorer.AcceptOnlyFromAmong("none", "sequence");
        Ablate.AcceptOnlyFromAmong([.. RankingFeatures.Names]);
        Target.AcceptOnlyFromAmong("next", "next-purchase");
    }

    public Option<string> Dataset { get; } = new("--dataset") { Description = "Dataset folder or main file", Required = true };

    public Option<string> Format { get; } = new("--format") { Description = "Dataset format", DefaultValueFactory = _ => "s3rec" };

    public Option<string> Protocol { get; } = new("--protocol") { Description = "Evaluation protocol", DefaultValueFactory = _ => "loo" };

    public Option<string> Model { get; } = new("--model") { Description = "Model: random, popularity, popularity-all (leaky, as the published PopRec), popularity-decayed, itemknn, sequential-rules, interest, sequence (learned, SASRec), vae (learned, Mult-VAE); interest-mlp (next-category); churn (churn and purchase propensity); service (the served recommender: candidates, blend and rules); sentiment (review text; the default on review-sentiment)", DefaultValueFactory = _ => "popularity" };

    public Option<string> Scorer { get; } = new("--scorer") { Description = "service: the learned candidate source (sequence trains SASRec first; none uses the stream-kept sources only)", DefaultValueFactory = _ => "none" };

    public Option<bool> LearnBlend { get; } = new("--learn-blend") { Description = "service: choose the blend weights by coordinate ascent on each user's validation item (else the heuristic blend)", DefaultValueFactory = _ => true };

    public Option<double> CategoryShare { get; } = new("--max-category-share") { Description = "service: most share of an answer from one leaf category (1 = no cap)", DefaultValueFactory = _ => 0.5 };

    public Option<string[]> Ablate { get; } = new("--ablate") { Description = "service: blend features held at 0, to measure what each source adds (" + string.Join(", ", RankingFeatures.Names) + ")", AllowMultipleArgumentsPerToken = true };

    public Option<double> ColdUsers { get; } = new("--cold-share") { Description = "cold-start: share of users held out entirely, then given their first 1 and 2 events", DefaultValueFactory = _ => 0.1 };

    public Option<string> Target { get; } = new("--target") { Description = "next-category: the category of the next interaction or of the next purchase", DefaultValueFactory = _ => "next" };

    public Option<int> K { get; } = new("--k") { Description = "Headline cut-off", DefaultValueFactory = _ => 10 };

    public Option<int> Seed { get; } = new("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };

    public Option<int> Negatives { get; } = new("--negatives") { Description = "Sampled negatives (0 = full ranking)", DefaultValueFactory = _ => 0 };

    public Option<float> Blend { get; } = new("--blend") { Description = "interest model: 0 ranks by interest match; > 0 multiplies popularity by (blend + match)", DefaultValueFactory = _ => 0f };

    public Option<int> Users { get; } = new("--users") { Description = "synthetic: users", DefaultValueFactory = _ => 2_000 };

    public Option<long> Events { get; } = new("--events") { Description = "synthetic: events", DefaultValueFactory = _ => 300_000 };

    public Option<double> Refresh { get; } = new("--refresh-hours") { Description = "freshness: refresh period of the periodic variant (event time)", DefaultValueFactory = _ => 24 };

    public Option<double> RatingProbability { get; } = new("--rating-probability") { Description = "synthetic: P(rating | purchase)", DefaultValueFactory = _ => 0.3 };

    public Option<double> ReviewShare { get; } = new("--review-share") { Description = "synthetic: share of ratings written as reviews in words (no stars)", DefaultValueFactory = _ => 0 };

    public Option<double> PlantedDissatisfaction { get; } = new("--planted-dissatisfaction") { Description = "synthetic: stars a churner's ratings and reviews drop by over the 30 days before they leave", DefaultValueFactory = _ => 0 };

    public Option<double> Horizon { get; } = new("--horizon-days") { Description = "synthetic: span over which change points and churn are planted", DefaultValueFactory = _ => 20 };

    public Option<double> HalfLife { get; } = new("--half-life-days") { Description = "popularity-decayed: half-life", DefaultValueFactory = _ => 30 };

    public Option<double> Window { get; } = new("--window-days") { Description = "churn: the window T after each cut (churn: no activity in it; propensity: a purchase in it)", DefaultValueFactory = _ => 90 };

    public Option<double> Step { get; } = new("--step-days") { Description = "churn: days between training cuts", DefaultValueFactory = _ => 30 };

    public Option<int> TrainCuts { get; } = new("--train-cuts") { Description = "churn: most training cuts", DefaultValueFactory = _ => 4 };

    public Option<string> Output { get; } = new("--out") { Description = "Report path", DefaultValueFactory = _ => "report.json" };

    public Option<string?> EngineConfig { get; } = CommonOptions.EngineConfig();

    public MlpOptionSet Mlp { get; } = MlpOptionSet.Create();

    public SequenceOptionSet Sequence { get; } = SequenceOptionSet.Create();

    public VaeOptionSet Vae { get; } = VaeOptionSet.Create();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Dataset, Format, Protocol, Model, K, Seed, Negatives, Blend, Users, Events, Refresh, Horizon, RatingProbability, ReviewShare, PlantedDissatisfaction, HalfLife, Output, EngineConfig, Target, Window, Step, TrainCuts, Scorer, LearnBlend, CategoryShare, ColdUsers, Ablate })
        {
            command.Options.Add(option);
        }

        Mlp.AddTo(command);
        Sequence.AddTo(command);
        Vae.AddTo(command);
    }

    public EvaluationRequest Request(ParseResult r)
    {
        var seed = r.GetValue(Seed);
        return new EvaluationRequest
        {
            Dataset = r.GetValue(Dataset)!,
            Format = r.GetValue(Format)!,
            Protocol = r.GetValue(Protocol)!,
            Model = MlpOptionSet.IsGiven(r, Model) ? r.GetValue(Model)! : r.GetValue(Protocol) switch
            {
                "review-sentiment" => "sentiment",
                "cross-domain" => "cross-domain",
                _ => r.GetValue(Model)!,
            },
            Config = r.GetValue(EngineConfig) is { } path ? EngineConfigJson.Load(path) : null,
            K = r.GetValue(K),
            Seed = seed,
            Negatives = r.GetValue(Negatives),
            Blend = r.GetValue(Blend),
            HalfLifeDays = r.GetValue(HalfLife),
            RefreshHours = r.GetValue(Refresh),
            ColdShare = r.GetValue(ColdUsers),
            Users = r.GetValue(Users),
            Events = r.GetValue(Events),
            HorizonDays = r.GetValue(Horizon),
            ReviewShare = r.GetValue(ReviewShare),
            RatingProbability = MlpOptionSet.IsGiven(r, RatingProbability) ? r.GetValue(RatingProbability) : null,
            PlantedDissatisfaction = r.GetValue(PlantedDissatisfaction),
            Target = r.GetValue(Target)!,
            WindowDays = r.GetValue(Window),
            StepDays = r.GetValue(Step),
            TrainCuts = r.GetValue(TrainCuts),
            Scorer = r.GetValue(Scorer)!,
            LearnBlend = r.GetValue(LearnBlend),
            MaxCategoryShare = r.GetValue(CategoryShare),
            Ablate = r.GetValue(Ablate) ?? [],
            Search = r.GetValue(Mlp.Search),
            Refine = r.GetValue(Vae.Refine),
            MlpOptions = () => Mlp.Options(r, seed),
            SequenceOptions = () => Sequence.Options(r, Mlp, seed),
            VaeOptions = () => Vae.Options(r, Mlp, Sequence, seed),
            Progress = ConsoleProgress.Training,
        };
    }
}
