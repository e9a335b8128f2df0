using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Persona.Evaluation;
using Persona.Evaluation.Loaders;
using Persona.Evaluation.Models;
using Persona.Evaluation.Protocols;

namespace Persona.Cli.Commands;

/// <summary><c>persona evaluate</c>: a protocol over a real dataset; writes report.json and a Markdown summary.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Dataset folder or main file", Required = true };
        var format = new Option<string>("--format") { Description = "Dataset format", DefaultValueFactory = _ => "s3rec" };
        format.AcceptOnlyFromAmong("s3rec", "movielens");
        var protocol = new Option<string>("--protocol") { Description = "Evaluation protocol", DefaultValueFactory = _ => "loo" };
        protocol.AcceptOnlyFromAmong("loo", "ms-stratified");
        var model = new Option<string>("--model") { Description = "Model: random, popularity, popularity-all (leaky, as the published PopRec), itemknn, interest", DefaultValueFactory = _ => "popularity" };
        model.AcceptOnlyFromAmong("random", "popularity", "popularity-all", "itemknn", "interest");
        var k = new Option<int>("--k") { Description = "Headline cut-off", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 42 };
        var negatives = new Option<int>("--negatives") { Description = "Sampled negatives (0 = full ranking)", DefaultValueFactory = _ => 0 };
        var blend = new Option<float>("--blend") { Description = "interest model: 0 ranks by interest match; > 0 multiplies popularity by (blend + match)", DefaultValueFactory = _ => 0f };
        var output = new Option<string>("--out") { Description = "Report path", DefaultValueFactory = _ => "report.json" };
        var command = new Command("evaluate", "Evaluate a model on a real dataset with a published protocol") { dataset, format, protocol, model, k, seed, negatives, blend, output };
        command.SetAction(r =>
        {
            var watch = Stopwatch.StartNew();
            var data = r.GetValue(format) == "movielens" ? MovieLensLoader.Load(r.GetValue(dataset)!) : S3RecLoader.Load(r.GetValue(dataset)!);
            var stratified = r.GetValue(protocol) == "ms-stratified";
            ISequenceModel m = r.GetValue(model) switch
            {
                "random" => new RandomModel(r.GetValue(seed)),
                "itemknn" => stratified ? new ItemKnnModel { Recent = int.MaxValue, RecencyWeighted = false, Neighbours = 200 } : new ItemKnnModel(),
                "interest" => new InterestModel { Blend = r.GetValue(blend) },
                "popularity-all" => new PopularityModel(leaky: true),
                _ => new PopularityModel(),
            };
            var (metrics, users) = stratified
                ? StratifiedSplit.Run(data, m, r.GetValue(k), seed: r.GetValue(seed))
                : LeaveOneOut.Run(data, m, r.GetValue(negatives), r.GetValue(seed));
            var protocolName = stratified ? "ms-stratified" : r.GetValue(negatives) > 0 ? $"loo-sampled-{r.GetValue(negatives)}" : "loo";
            var report = new EvaluationReport(data.Name, r.GetValue(format)!, protocolName, m.Name, r.GetValue(k), users, Math.Round(watch.Elapsed.TotalSeconds, 2), metrics);
            var path = r.GetValue(output)!;
            File.WriteAllText(path, JsonSerializer.Serialize(report, Json.Options));
            var md = new StringBuilder();
            md.AppendLine(CultureInfo.InvariantCulture, $"# {report.Dataset} · {report.Protocol} · {report.Model}").AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"{users} users evaluated in {report.Seconds} s.").AppendLine();
            md.AppendLine("| metric | value |").AppendLine("| --- | --- |");
            foreach (var (key, value) in metrics)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {value:F4} |");
            }

            File.WriteAllText(Path.ChangeExtension(path, ".md"), md.ToString());
            Console.WriteLine(JsonSerializer.Serialize(report));
            return 0;
        });
        return command;
    }
}
