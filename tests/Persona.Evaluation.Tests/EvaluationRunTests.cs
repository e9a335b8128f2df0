namespace Persona.Evaluation.Tests;

public sealed class EvaluationRunTests
{
    [Theory]
    [InlineData("next-category", "popularity", "movielens", "protocol: next-category evaluates --model interest-mlp (with its baselines), and interest-mlp runs on next-category")]
    [InlineData("ms-stratified", "churn", "movielens", "protocol: churn evaluates --model churn (with its baselines), and churn runs on the churn protocol")]
    [InlineData("freshness", "popularity", "movielens", "protocol: freshness and interest evaluate the engine's profiles: use --model interest")]
    [InlineData("interest", "interest", "movielens", "protocol: interest needs planted ground truth: use --format synthetic")]
    [InlineData("loo", "popularity", "synthetic", "format: synthetic runs the freshness, interest, churn, next-category and cross-domain protocols")]
    [InlineData("cross-domain", "popularity", "rees46", "protocol: cross-domain evaluates --model cross-domain (co-occurrence across domains against the target domain's popularity)")]
    [InlineData("session", "vae", "yoochoose", "protocol: --model vae runs on loo and ms-stratified")]
    [InlineData("review-sentiment", "popularity", "amazon-reviews", "protocol: review-sentiment evaluates --model sentiment (with the lexicon as its baseline), and sentiment runs on review-sentiment")]
    [InlineData("loo", "sentiment", "amazon-reviews", "protocol: review-sentiment evaluates --model sentiment (with the lexicon as its baseline), and sentiment runs on review-sentiment")]
    [InlineData("review-sentiment", "sentiment", "synthetic", "protocol: review-sentiment needs review text: use --format amazon-reviews, labelled-sentences or canonical")]
    public void Validate_RefusedCombination_TheCommandLineMessage(string protocol, string model, string format, string message)
    {
        Assert.Equal(message, EvaluationRun.Validate(Request(protocol, model, format)));
    }

    [Theory]
    [InlineData("prequential", "sequence", "movielens")]
    [InlineData("cold-start", "service", "s3rec")]
    [InlineData("churn", "churn", "synthetic")]
    [InlineData("next-category", "interest-mlp", "synthetic")]
    [InlineData("freshness", "interest", "synthetic")]
    [InlineData("review-sentiment", "sentiment", "labelled-sentences")]
    public void Validate_AcceptedCombination_Null(string protocol, string model, string format)
    {
        Assert.Null(EvaluationRun.Validate(Request(protocol, model, format)));
    }

    [Fact]
    public void Run_RefusedCombination_ThrowsWithTheMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => EvaluationRun.Run(Request("loo", "popularity", "synthetic")));
        Assert.StartsWith("format: synthetic runs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Ml100kPopularityStratified_ReportOfTheProtocol()
    {
        var outcome = EvaluationRun.Run(new EvaluationRequest { Dataset = SharedData.Dataset("movielens-100k"), Format = "movielens", Protocol = "ms-stratified", Model = "popularity" });

        var r = outcome.Report;
        Assert.Equal(("ml-100k", "movielens", "ms-stratified", "popularity", 10, 943), (r.Dataset, r.Format, r.Protocol, r.Model, r.K, r.UsersEvaluated));
        Assert.Equal(0.245084, r.Metrics["ndcg@10"]);
        Assert.Equal(0.221103, r.Metrics["precision@10"]);
        Assert.Equal(0.108429, r.Metrics["recall@10"]);
        Assert.Equal(0.05289, r.Metrics["map@10"]);
        Assert.Null(outcome.Blend);
        Assert.Null(outcome.MarkdownAppendix);
    }

    [Fact]
    public void Run_MusicalInstrumentsReviewSentiment_ModelAndLexiconOnTheNewestFifth()
    {
        var outcome = EvaluationRun.Run(new EvaluationRequest
        {
            Dataset = SharedData.Dataset("amazon-musical-instruments-reviews"),
            Format = "amazon-reviews",
            Protocol = "review-sentiment",
            Model = "sentiment",
        });

        var r = outcome.Report;
        Assert.Equal(("review-sentiment", "sentiment", 2053), (r.Protocol, r.Model, r.UsersEvaluated));
        Assert.Equal((7182, 1026, 2053, 0), ((int)r.Metrics["rows.train"], (int)r.Metrics["rows.validation"], (int)r.Metrics["rows.test"], (int)r.Metrics["split_random"]));
        Assert.NotNull(r.Baseline);
        Assert.InRange(r.Metrics["auc"], r.Metrics["auc.ci95_low"], r.Metrics["auc.ci95_high"]);
        Assert.True(r.Metrics["auc"] > r.Baseline["auc"], $"model {r.Metrics["auc"]} against lexicon {r.Baseline["auc"]}");
        Assert.True(r.Metrics["mae"] < r.Baseline["mae"] && r.Baseline["mae"] < r.Baseline["mean_stars.mae"]);
    }

    private static EvaluationRequest Request(string protocol, string model, string format) =>
        new() { Dataset = "unused", Format = format, Protocol = protocol, Model = model };
}
