using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Persona.Serving;
using Persona.Serving.Analysis;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona analyse</c>: the behaviour analysis the service serves at <c>GET /v1/analysis</c>, from a stopped
/// embedded store: one pass over every profile (as served, with the active models), written as JSON, with the time
/// the pass took.
/// </summary>
internal static class AnalyseCommand
{
    public static Command Create()
    {
        var storeOptions = new StoreOptionSet();
        var servingOptions = new ServingOptionSet();
        var output = new Option<string?>("--out") { Description = "Write the report here (JSON) instead of to standard output" };
        var command = new Command("analyse", "Behaviour analysis over every profile: funnels, cohort retention, interests, habits, price sensitivity, churn risk, satisfaction") { output };
        storeOptions.AddTo(command);
        servingOptions.AddTo(command);
        command.SetAction(async (r, ct) =>
        {
            await using var host = servingOptions.Open(r, storeOptions);
            var analysis = host.Get<AnalysisService>();
            var report = analysis.Compute(ct);
            var json = JsonSerializer.Serialize(report, ServingJson.Create(indented: true));
            if (r.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, json, ct);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Users} users analysed in {report.ComputeSeconds:0.000} s; report written to {path}"));
            }
            else
            {
                Console.WriteLine(json);
            }

            return 0;
        });
        return command;
    }
}
