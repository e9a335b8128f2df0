using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Datasets;
using Persona.Evaluation;
using Persona.Evaluation.Trainers;
using Persona.Models.Artifacts;
using Persona.Models.Churn;
using Persona.Models.Sentiment;

namespace Persona.Cli.Commands;

/// <summary>
/// <c>persona train</c>: trains a model on a dataset and writes its artifact (weights, <c>model.json</c>) and
/// a report. The last 10 % of event time is the validation part (early stopping, <c>--search</c>); the
/// model learns from the rest. <c>persona evaluate</c> measures the same model on a held-out test part.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var options = new TrainOptionSet();
        var command = new Command("train", "Train a model on a dataset and write its artifact");
        options.AddTo(command);
        command.SetAction(r =>
        {
            var watch = Stopwatch.StartNew();
            var folder = r.GetValue(options.Output)!;
            var result = Train(r, options, folder, watch);
            File.WriteAllText(Path.Combine(folder, "report.md"), result.Report);
            Console.WriteLine(JsonSerializer.Serialize(new { version = result.Metadata.Version, metrics = result.Metadata.Metrics, folder = Path.GetFullPath(folder) }));
            return 0;
        });
        return command;
    }

    private static TrainingResult Train(ParseResult r, TrainOptionSet o, string folder, Stopwatch watch)
    {
        var config = CommonOptions.LoadEngineConfig(r.GetValue(o.EngineConfig));
        var seed = r.GetValue(o.Seed);
        var model = r.GetValue(o.Model);
        switch (model)
        {
            case "sequence" when r.GetValue(o.Sequence.Encoder) == "gru":
                throw new ArgumentException("--encoder gru: artifacts hold the self-attentive encoder; evaluate the GRU with persona evaluate --model sequence --encoder gru");
            case "sequence":
                return ItemModelTraining.Sequence(Sequences(r, o), o.Sequence.Options(r, o.Mlp, seed), config, folder, Source(r, o), ConsoleProgress.Training, TimeProvider.System);
            case "vae":
                return ItemModelTraining.Vae(Sequences(r, o), o.Vae.Options(r, o.Mlp, o.Sequence, seed), r.GetValue(o.Mlp.Search), r.GetValue(o.Vae.Refine), config, folder, Source(r, o), ConsoleProgress.Training, TimeProvider.System);
            case "sentiment":
                return SentimentTraining.Run(Events(r, o).Events, new SentimentOptions(), folder, Source(r, o), TimeProvider.System);
            case "churn" or "propensity":
                var churnOptions = o.Mlp.Options(r, seed);
                var outcome = model == "churn" ? ChurnOutcome.NoActivity : ChurnOutcome.Purchase;
                return ChurnTraining.Run(Events(r, o), outcome, r.GetValue(o.Window), churnOptions, r.GetValue(o.Mlp.Search), config, folder, Source(r, o), ConsoleProgress.Training, TimeProvider.System);
        }

        var mlpOptions = o.Mlp.Options(r, seed);
        var share = r.GetValue(o.Validation);
        if (share is <= 0 or >= 1)
        {
            throw new ArgumentException($"--validation: {share} is not within (0, 1)");
        }

        var data = Events(r, o);
        var source = Source(r, o) with { Dataset = r.GetValue(o.Format) == "synthetic" ? data.Name : Path.GetFullPath(r.GetValue(o.Dataset)!) };
        return InterestTraining.Run(data, r.GetValue(o.Target)!, share, r.GetValue(o.Labels), mlpOptions, r.GetValue(o.Mlp.Search), config, folder, source, ConsoleProgress.Training, TimeProvider.System, watch);
    }

    private static (IReadOnlyList<BehaviorEvent> Events, IReadOnlyList<CatalogItem> Catalog, string Name) Events(ParseResult r, TrainOptionSet o) =>
        r.GetValue(o.Format) == "synthetic"
            ? SyntheticData.Events(r.GetValue(o.Seed), r.GetValue(o.Users), r.GetValue(o.Events), 20)
            : DatasetLoader.LoadEvents(r.GetValue(o.Format)!, r.GetValue(o.Dataset)!) is var d ? (d.Events, d.Catalog, d.Name) : default;

    private static SequenceDataset Sequences(ParseResult r, TrainOptionSet o)
    {
        if (r.GetValue(o.Format) != "synthetic")
        {
            return DatasetLoader.LoadSequences(r.GetValue(o.Format)!, r.GetValue(o.Dataset)!);
        }

        var (data, catalog, name) = Events(r, o);
        return new EventDataset { Name = name, Events = data, Catalog = catalog }.ToSequences();
    }

    private static TrainingSource Source(ParseResult r, TrainOptionSet o) =>
        new(r.GetValue(o.Format) == "synthetic" ? "synthetic" : Path.GetFullPath(r.GetValue(o.Dataset)!), r.GetValue(o.Format)!, r.GetValue(o.Seed));
}
