using System.CommandLine;
using System.Globalization;
using Persona.Models.Interest;
using Persona.Models.Training;

namespace Persona.Cli.Commands;

/// <summary>The interest MLP's hyper-parameters on the command line (evaluate and train).</summary>
internal sealed class MlpOptionSet
{
    private static readonly InterestMlpOptions Defaults = new();

    public Option<string> Hidden { get; } = new("--hidden")
    {
        Description = "Hidden layer widths, comma-separated",
        DefaultValueFactory = _ => string.Join(',', Defaults.Hidden),
    };

    public Option<double> Dropout { get; } = new("--dropout") { Description = "Dropout after each hidden layer", DefaultValueFactory = _ => Defaults.Dropout };

    public Option<double> LearningRate { get; } = new("--learning-rate") { Description = "Adam's learning rate", DefaultValueFactory = _ => Defaults.LearningRate };

    public Option<int> Epochs { get; } = new("--epochs") { Description = "Most epochs (training stops early when validation stops improving)", DefaultValueFactory = _ => Defaults.MaxEpochs };

    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Rows per gradient step", DefaultValueFactory = _ => Defaults.BatchSize };

    public Option<int> Search { get; } = new("--search")
    {
        Description = "Hyper-parameter trials of a seeded random search scored on the validation part (1: the options as given)",
        DefaultValueFactory = _ => 1,
    };

    public static MlpOptionSet Create() => new();

    /// <summary>Prints the start of a search trial to standard error.</summary>
    public static void PrintTrial(int trial, InterestMlpOptions o) => Console.Error.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"trial {trial}: hidden {string.Join(',', o.Hidden)}, dropout {o.Dropout}, learning rate {o.LearningRate}, weight decay {o.WeightDecay}, batch {o.BatchSize}"));

    /// <summary>Prints one epoch's line to standard error (results stay alone on standard output).</summary>
    public static void PrintEpoch(EpochReport e) => Console.Error.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"epoch {e.Epoch,3}: train loss {e.TrainLoss:F4}, validation log loss {e.ValidationLoss:F4}, top-1 {e.ValidationTop1:F4} ({e.Seconds:F1} s)"));

    public void AddTo(Command command)
    {
        command.Options.Add(Hidden);
        command.Options.Add(Dropout);
        command.Options.Add(LearningRate);
        command.Options.Add(Epochs);
        command.Options.Add(BatchSize);
        command.Options.Add(Search);
    }

    /// <summary>The shared options the user gave (null where left at the interest MLP's default), for models with defaults of their own.</summary>
    public (float? Dropout, float? LearningRate, int? Epochs, int? BatchSize) Given(ParseResult r) => (
        IsGiven(r, Dropout) ? (float)r.GetValue(Dropout) : null,
        IsGiven(r, LearningRate) ? (float)r.GetValue(LearningRate) : null,
        IsGiven(r, Epochs) ? r.GetValue(Epochs) : null,
        IsGiven(r, BatchSize) ? r.GetValue(BatchSize) : null);

    public static bool IsGiven<T>(ParseResult r, Option<T> option) => r.GetResult(option) is { Implicit: false };

    public InterestMlpOptions Options(ParseResult r, int seed)
    {
        var hidden = r.GetValue(Hidden)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(h => int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"--hidden: '{h}' is not a width"))
            .ToArray();
        var options = Defaults with
        {
            Hidden = hidden,
            Dropout = r.GetValue(Dropout),
            LearningRate = r.GetValue(LearningRate),
            MaxEpochs = r.GetValue(Epochs),
            BatchSize = r.GetValue(BatchSize),
            Seed = seed,
        };
        options.Validate();
        return options;
    }
}
