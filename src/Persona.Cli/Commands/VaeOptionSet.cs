using System.CommandLine;
using System.Globalization;
using Persona.Models.Collaborative;

namespace Persona.Cli.Commands;

/// <summary>
/// The collaborative VAE's hyper-parameters on the command line (evaluate and train). Shared options
/// (--dropout, --learning-rate, --epochs, --batch-size) apply only when given; --patience and --threads are
/// the sequence model's options, read here too.
/// </summary>
internal sealed class VaeOptionSet
{
    private static readonly VaeOptions Defaults = new();

    public Option<int> Hidden { get; } = new("--vae-hidden") { Description = "vae: hidden width of encoder and decoder", DefaultValueFactory = _ => Defaults.Hidden };

    public Option<int> Latent { get; } = new("--vae-latent") { Description = "vae: latent dimension (the user embedding)", DefaultValueFactory = _ => Defaults.Latent };

    public Option<double> AnnealCap { get; } = new("--anneal-cap") { Description = "vae: the KL weight's ceiling", DefaultValueFactory = _ => Defaults.AnnealCap };

    public Option<int> Refine { get; } = new("--refine") { Description = "vae: trials after the random search, each a neighbour of the best so far", DefaultValueFactory = _ => 0 };

    public Option<bool> NoRefit { get; } = new("--no-refit") { Description = "vae: keep the early-stopped network instead of retraining on all training items" };

    public static VaeOptionSet Create() => new();

    public static void PrintEpoch(VaeEpochReport e) => Console.Error.WriteLine(e.Refit
        ? string.Create(CultureInfo.InvariantCulture, $"refit {e.Epoch,3}: train loss {e.TrainLoss:F2}, beta {e.Beta:F3} ({e.Seconds:F1} s)")
        : string.Create(CultureInfo.InvariantCulture, $"epoch {e.Epoch,3}: train loss {e.TrainLoss:F2}, beta {e.Beta:F3}, validation NDCG@10 {e.ValidationNdcg10:F4} ({e.Seconds:F1} s)"));

    public static void PrintTrial(int trial, VaeOptions o) => Console.Error.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"trial {trial}: hidden {o.Hidden}, latent {o.Latent}, dropout {o.Dropout}, learning rate {o.LearningRate}, weight decay {o.WeightDecay}, anneal cap {o.AnnealCap} over {o.AnnealSteps} steps, batch {o.BatchSize}"));

    public void AddTo(Command command)
    {
        command.Options.Add(Hidden);
        command.Options.Add(Latent);
        command.Options.Add(AnnealCap);
        command.Options.Add(NoRefit);
        command.Options.Add(Refine);
    }

    public VaeOptions Options(ParseResult r, MlpOptionSet shared, SequenceOptionSet sequence, int seed)
    {
        var options = Defaults with
        {
            Hidden = r.GetValue(Hidden),
            Latent = r.GetValue(Latent),
            AnnealCap = (float)r.GetValue(AnnealCap),
            Refit = !r.GetValue(NoRefit),
            Threads = r.GetValue(sequence.Threads),
            Seed = seed,
        };
        if (MlpOptionSet.IsGiven(r, sequence.Patience))
        {
            options = options with { Patience = r.GetValue(sequence.Patience) };
        }

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
