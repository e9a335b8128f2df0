namespace Persona.Evaluation.Tests;

public sealed class EvaluationRunTests
{
    [Theory]
    [InlineData("next-category", "popularity", "movielens", "protocol: next-category evaluates --model interest-mlp (with its baselines), and interest-mlp runs on next-category")]
    [InlineData("ms-stratified", "churn", "movielens", "protocol: churn evaluates --model churn (with its baselines), and churn runs on the churn protocol")]
    [InlineData("freshness", "popularity", "movielens", "protocol: freshness and interest evaluate the engine's profiles: use --model interest")]
    [InlineData("interest", "interest", "movielens", "protocol: interest needs planted ground truth: use --format synthetic")]
    [InlineData("loo", "popularity", "synthetic", "format: synthetic runs the freshness, interest and next-category protocols")]
    [InlineData("session", "vae", "yoochoose", "protocol: --model vae runs on loo and ms-stratified")]
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

    private static EvaluationRequest Request(string protocol, string model, string format) =>
        new() { Dataset = "unused", Format = format, Protocol = protocol, Model = model };
}
