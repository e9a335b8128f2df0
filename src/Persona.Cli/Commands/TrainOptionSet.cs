using System.CommandLine;
using Persona.Datasets;

namespace Persona.Cli.Commands;

/// <summary>The options of <c>persona train</c>.</summary>
internal sealed class TrainOptionSet
{
    public TrainOptionSet()
    {
        Format.AcceptOnlyFromAmong([.. DatasetLoader.Formats, "synthetic"]);
        Model.AcceptOnlyFromAmong("interest", "sequence", "vae", "churn", "propensity", "sentiment");
        Target.AcceptOnlyFromAmong("next", "next-purchase");
    }

    public Option<string> Dataset { get; } = new("--dataset") { Description = "Dataset folder or main file (or 'synthetic')", Required = true };

    public Option<string> Format { get; } = new("--format") { Description = "Dataset format", Required = true };

    public Option<string> Model { get; } = new("--model") { Description = "Model to train: interest (MLP over the profile), sequence (SASRec), vae (Mult-VAE), churn or propensity (MLP over the profile)", DefaultValueFactory = _ => "interest" };

    public Option<double> Window { get; } = new("--window-days") { Description = "churn, propensity: the window T after each cut", DefaultValueFactory = _ => 90 };

    public Option<string> Target { get; } = new("--target") { Description = "interest: the category of the next interaction or of the next purchase", DefaultValueFactory = _ => "next" };

    public Option<string> Output { get; } = new("--out") { Description = "Folder for the model", Required = true };

    public Option<int> Seed { get; } = new("--seed") { Description = "Random seed (initialisation, shuffling, search, synthetic data)", DefaultValueFactory = _ => 42 };

    public Option<double> Validation { get; } = new("--validation") { Description = "Share of the latest event time held out for validation", DefaultValueFactory = _ => 0.1 };

    public Option<int> Labels { get; } = new("--labels") { Description = "Most interest labels (the rest share '(other)')", DefaultValueFactory = _ => 64 };

    public Option<int> Users { get; } = new("--users") { Description = "synthetic: users", DefaultValueFactory = _ => 2_000 };

    public Option<long> Events { get; } = new("--events") { Description = "synthetic: events", DefaultValueFactory = _ => 300_000 };

    public Option<string?> EngineConfig { get; } = CommonOptions.EngineConfig();

    public MlpOptionSet Mlp { get; } = MlpOptionSet.Create();

    public SequenceOptionSet Sequence { get; } = SequenceOptionSet.Create();

    public VaeOptionSet Vae { get; } = VaeOptionSet.Create();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Dataset, Format, Model, Target, Output, Seed, Validation, Labels, Users, Events, EngineConfig, Window })
        {
            command.Options.Add(option);
        }

        Mlp.AddTo(command);
        Sequence.AddTo(command);
        Vae.AddTo(command);
    }
}
