using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Persona.Evaluation.Simulation;

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
        var output = new Option<string>("--out") { Description = "Report path (JSON; a .md beside it)", DefaultValueFactory = _ => "simulation.json" };
        var command = new Command("simulate-ab", "Simulated online A/B test on the synthetic shop: popularity vs personalised with real-time vs daily profiles") { users, items, warmup, days, k, seed, output };
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
            File.WriteAllText(path, JsonSerializer.Serialize(new { seconds = Math.Round(watch.Elapsed.TotalSeconds, 1), result }, Json.Options));
            var md = Markdown(result);
            File.WriteAllText(Path.ChangeExtension(path, ".md"), md);
            Console.WriteLine(md);
            return 0;
        });
        return command;
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
