using System.CommandLine;
using System.Text.Json;
using Persona.Evaluation;

namespace Persona.Cli.Commands;

/// <summary><c>persona evaluate</c>: a protocol over a real dataset (<see cref="EvaluationRun"/>); writes report.json, a Markdown summary and a plot.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var options = new EvaluateOptionSet();
        var command = new Command("evaluate", "Evaluate a model on a real dataset with a published protocol");
        options.AddTo(command);
        command.SetAction(r =>
        {
            var request = options.Request(r);
            if (EvaluationRun.Validate(request) is { } error)
            {
                Console.Error.WriteLine(error);
                return 2;
            }

            var outcome = EvaluationRun.Run(request);
            var path = r.GetValue(options.Output)!;
            if (outcome.Blend is { } blend)
            {
                File.WriteAllText(Path.ChangeExtension(path, ".blend.json"), JsonSerializer.Serialize(blend, Json.Options));
            }

            Write(outcome.Report, path);
            if (outcome.MarkdownAppendix is { } appendix)
            {
                File.AppendAllText(Path.ChangeExtension(path, ".md"), appendix);
            }

            return 0;
        });
        return command;
    }

    /// <summary>The report as JSON at <paramref name="path"/>, with its Markdown summary and plot beside it; the JSON also on the console.</summary>
    private static void Write(EvaluationReport report, string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, JsonSerializer.Serialize(report, Json.Options));
        File.WriteAllText(Path.ChangeExtension(path, ".md"), EvaluationMarkdown.Summary(report));
        EvaluationPlot.Save(report, Path.ChangeExtension(path, ".png"));
        Console.WriteLine(JsonSerializer.Serialize(report));
    }
}
