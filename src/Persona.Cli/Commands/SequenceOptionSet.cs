using System.CommandLine;
using System.Globalization;
using Persona.Models.Sequence;

namespace Persona.Cli.Commands;

/// <summary>
/// The sequence model's hyper-parameters on the command line (evaluate and train). The options it shares
/// with the interest MLP (--dropout, --learning-rate, --epochs, --batch-size) apply only when given, so each
/// model keeps its own defaults.
/// </summary>
internal sealed class SequenceOptionSet
{
    private static readonly SequenceModelOptions Defaults = new();

    public Option<string> Encoder { get; } = CreateEncoder();

    public Option<int> Dimension { get; } = new("--dim") { Description = "sequence: embedding and hidden width", DefaultValueFactory = _ => Defaults.Dimension };

    public Option<int> Blocks { get; } = new("--blocks") { Description = "sequence: self-attention blocks", DefaultValueFactory = _ => Defaults.Blocks };

    public Option<int> Heads { get; } = new("--heads") { Description = "sequence: attention heads", DefaultValueFactory = _ => Defaults.Heads };

    public Option<int> MaxLength { get; } = new("--max-length") { Description = "sequence: newest interactions read", DefaultValueFactory = _ => Defaults.MaxLength };

    public Option<int> Patience { get; } = new("--patience") { Description = "sequence: epochs without a better validation NDCG@10 before stopping", DefaultValueFactory = _ => Defaults.Patience };

    public Option<int> SampledNegatives { get; } = new("--sampled-negatives") { Description = "sequence: negatives of a sampled softmax shared by each batch (0: full softmax over all items)", DefaultValueFactory = _ => Defaults.Negatives };

    public Option<bool> NoAttributes { get; } = new("--no-attributes") { Description = "sequence: item ids only (no attribute embeddings)" };

    public Option<int> Threads { get; } = new("--threads") { Description = "Training threads (0: all cores)", DefaultValueFactory = _ => 0 };

    public static SequenceOptionSet Create() => new();

    private static Option<string> CreateEncoder()
    {
        var option = new Option<string>("--encoder") { Description = "sequence: sasrec (self-attention) or gru (recurrent, GRU4Rec family; evaluation only, artifacts hold sasrec)", DefaultValueFactory = _ => Defaults.Encoder };
        option.AcceptOnlyFromAmong("sasrec", "gru");
        return option;
    }

    public static void PrintEpoch(SequenceEpochReport e) => Console.Error.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"epoch {e.Epoch,3}: train loss {e.TrainLoss:F4}, validation HR@10 {e.ValidationHr10:F4}, NDCG@10 {e.ValidationNdcg10:F4} ({e.Seconds:F1} s)"));

    public void AddTo(Command command)
    {
        command.Options.Add(Encoder);
        command.Options.Add(Dimension);
        command.Options.Add(Blocks);
        command.Options.Add(Heads);
        command.Options.Add(MaxLength);
        command.Options.Add(Patience);
        command.Options.Add(SampledNegatives);
        command.Options.Add(NoAttributes);
        command.Options.Add(Threads);
    }

    public SequenceModelOptions Options(ParseResult r, MlpOptionSet shared, int seed)
    {
        var options = Defaults with
        {
            Encoder = r.GetValue(Encoder)!,
            Dimension = r.GetValue(Dimension),
            Blocks = r.GetValue(Blocks),
            Heads = r.GetValue(Heads),
            MaxLength = r.GetValue(MaxLength),
            Patience = r.GetValue(Patience),
            Negatives = r.GetValue(SampledNegatives),
            UseAttributes = !r.GetValue(NoAttributes),
            Threads = r.GetValue(Threads),
            Seed = seed,
        };
        var (dropout, learningRate, epochs, batchSize) = shared.Given(r);
        options = options with
        {
            Dropout = dropout ?? options.Dropout,
            LearningRate = learningRate ?? options.LearningRate,
            MaxEpochs = epochs ?? options.MaxEpochs,
            BatchSize = batchSize ?? options.BatchSize,
        };

        options.Validate();
        return options;
    }
}
