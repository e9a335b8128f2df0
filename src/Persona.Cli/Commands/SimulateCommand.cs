using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Persona.Evaluation.Simulation;
using Persona.Recommend.Experiments;
using Persona.Recommend.Ranking;

namespace Persona.Cli.Commands;

/// <summary><c>persona simulate-ab</c>: the simulated online A/B test (popularity, real-time and daily profiles); writes JSON and prints a table.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var users = new Option<int>("--users") { Description = "Synthetic users", DefaultValueFactory = _ => 5_000 };
        var items = new Option<int>("--items") { Description = "Catalog items", DefaultValueFactory = _ => 2_000 };
        var warmup = new Option<int>("--warmup-days") { Description = "Days of organic events before the test", DefaultValueFactory = _ => 14 };
        var days = new Option<int>("--test-days") { Description = "Days of the test", DefaultValueFactory = _ => 14 };
        var k = new Option<int>("--k") { Description = "Items per answer", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };
        var learn = new Option<bool>("--learn-ranker") { Description = "Also learn the blend from the run's logged impressions and clicks, then compare it with the heuristic on a fresh run (next seed)" };
        var output = new Option<string>("--out") { Description = "Report path (JSON; a .md beside it)", DefaultValueFactory = _ => "simulation.json" };
        var command = new Command("simulate-ab", "Simulated online A/B test on the synthetic shop: popularity vs personalised with real-time vs daily profiles") { users, items, warmup, days, k, seed, output, learn };
        command.SetAction(r =>
        {
            if (r.GetValue(users) < 10 || r.GetValue(items) < 100 || r.GetValue(days) < 1 || r.GetValue(warmup) < 0 || r.GetValue(k) is < 1 or > 100)
            {
                Console.Error.WriteLine("simulate-ab: users ≥ 10, items ≥ 100, test-days ≥ 1, warmup-days ≥ 0, k within 1..100");
                return 2;
            }

            var watch = Stopwatch.StartNew();
            var result = new OnlineSimulation(new SimulationOptions { Users = r.GetValue(users), Items = r.GetValue(items), WarmupDays = r.GetValue(warmup), TestDays = r.GetValue(days), K = r.GetValue(k), Seed = r.GetValue(seed) })
                .Run(Console.Error.WriteLine);
            var path = r.GetValue(output)!;
            var md = Markdown(result);
            object? ranker = null;
            if (r.GetValue(learn))
            {
                (ranker, var text) = LearnRanker(result, r.GetValue(users), r.GetValue(items), r.GetValue(warmup), r.GetValue(days), r.GetValue(k), r.GetValue(seed));
                md += Environment.NewLine + text;
            }

            File.WriteAllText(path, JsonSerializer.Serialize(new { seconds = Math.Round(watch.Elapsed.TotalSeconds, 1), result, ranker }, Json.Options));
            File.WriteAllText(Path.ChangeExtension(path, ".md"), md);
            Console.WriteLine(md);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Learns the blend from the personalised arms' logged answers and clicks, then runs the next seed twice, the
    /// personalised arms served by the heuristic and by the learned blend (same users, same organic stream), and
    /// compares the real-time arms' click-through.
    /// </summary>
    private static (object Report, string Text) LearnRanker(SimulationResult first, int users, int items, int warmup, int days, int k, int seed)
    {
        var lists = ImpressionLearner.Join(first.Logged.Where(i => i.Variant is OnlineSimulation.RealTime or OnlineSimulation.Daily), first.ClickEvents);
        var learned = ImpressionLearner.Learn(lists, BlendWeights.Heuristic, fixedAtZero: [RankingFeatures.LearnedScorer]);
        SimulationOptions Next(BlendWeights? blend) => new() { Users = users, Items = items, WarmupDays = warmup, TestDays = days, K = k, Seed = seed + 1, Blend = blend };
        var heuristic = new OnlineSimulation(Next(null)).Run().Report.Variants.Single(v => v.Name == OnlineSimulation.RealTime);
        var withLearned = new OnlineSimulation(Next(learned.Weights)).Run().Report.Variants.Single(v => v.Name == OnlineSimulation.RealTime);
        var gap = Statistics.ProportionDifference(heuristic.Clicks, heuristic.ItemsShown, withLearned.Clicks, withLearned.ItemsShown);
        var p = Statistics.TwoProportionP(heuristic.Clicks, heuristic.ItemsShown, withLearned.Clicks, withLearned.ItemsShown);
        var weights = string.Join(", ", learned.Weights.Entries.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Name} {x.Weight:0.###}")));
        var text = string.Create(CultureInfo.InvariantCulture, $"""
            Ranker learned from {learned.TrainLists:N0} logged answers with clicks (checked on {learned.HeldOutLists:N0} more): IPS-NDCG of the clicks {learned.TrainStart:0.0000} → {learned.TrainLearned:0.0000} on the training answers, {learned.HeldOutStart:0.0000} → {learned.HeldOutLearned:0.0000} on the held-out ones. Weights: {weights}.

            Next seed, real-time arm: heuristic blend CTR {heuristic.ClickThroughRate.Value:0.0000} [{heuristic.ClickThroughRate.Low:0.0000}, {heuristic.ClickThroughRate.High:0.0000}], learned blend {withLearned.ClickThroughRate.Value:0.0000} [{withLearned.ClickThroughRate.Low:0.0000}, {withLearned.ClickThroughRate.High:0.0000}]; difference {gap.Difference:+0.0000;-0.0000} [{gap.Low:0.0000}, {gap.High:0.0000}] (p = {p:G3}).

            """);
        return (new { learned, heuristic, withLearned, difference = gap, p }, text);
    }

    private static string Markdown(SimulationResult result)
    {
        static string I(double v, double lo, double hi, string f) => string.Create(CultureInfo.InvariantCulture, $"{v.ToString(f, CultureInfo.InvariantCulture)} [{lo.ToString(f, CultureInfo.InvariantCulture)}, {hi.ToString(f, CultureInfo.InvariantCulture)}]");
        var sb = new StringBuilder();
        sb.AppendLine("| variant | users | answers | items shown | clicks | CTR [95 % CI] | conversion/user [95 % CI] | revenue/user [95 % CI] | p (CTR, conv.) vs popularity |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var v in result.Report.Variants)
        {
            var p = v.VersusControl is { } c ? string.Create(CultureInfo.InvariantCulture, $"{c.ClickThroughP:G3}, {c.ConversionP:G3}") : "control";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {v.Name} | {v.Users:N0} | {v.Answers:N0} | {v.ItemsShown:N0} | {v.Clicks:N0} | {I(v.ClickThroughRate.Value, v.ClickThroughRate.Low, v.ClickThroughRate.High, "0.0000")} | {I(v.ConversionRate.Value, v.ConversionRate.Low, v.ConversionRate.High, "0.000")} | {I(v.RevenuePerUser.Value, v.RevenuePerUser.Low, v.RevenuePerUser.High, "0.00")} | {p} |");
        }

        var g = result.RealTimeMinusDailyCtr;
        var cv = result.RealTimeMinusDailyConversion;
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Real time minus daily: CTR {g.Difference:+0.0000;-0.0000} [{g.Low:0.0000}, {g.High:0.0000}] (p = {g.P:G3}); conversion per user {cv.Difference:+0.0000;-0.0000} [{cv.Low:0.0000}, {cv.High:0.0000}] (p = {cv.P:G3}).");
        return sb.ToString();
    }
}
