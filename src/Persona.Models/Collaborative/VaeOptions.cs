namespace Persona.Models.Collaborative;

/// <summary>
/// Hyper-parameters of the collaborative variational autoencoder (Mult-VAE, Liang et al. 2018): a user's
/// item set → [<see cref="Hidden"/>] → a <see cref="Latent"/>-dimensional Gaussian → [<see cref="Hidden"/>]
/// → a multinomial over all items. Defaults are the paper's (600/200, tanh, input dropout 0.5, KL weight
/// annealed up to 0.2, Adam 1e-3).
/// </summary>
public sealed record VaeOptions
{
    public int Hidden { get; init; } = 600;

    public int Latent { get; init; } = 200;

    /// <summary>Dropout on the (normalised) input item set while training.</summary>
    public float Dropout { get; init; } = 0.5f;

    public float LearningRate { get; init; } = 1e-3f;

    public float WeightDecay { get; init; }

    public int BatchSize { get; init; } = 64;

    public int MaxEpochs { get; init; } = 400;

    /// <summary>Epochs without a better validation NDCG@10 before training stops.</summary>
    public int Patience { get; init; } = 30;

    /// <summary>The KL term's weight rises linearly by 1/<see cref="AnnealSteps"/> per gradient step up to this cap.</summary>
    public float AnnealCap { get; init; } = 0.2f;

    public int AnnealSteps { get; init; } = 20_000;

    /// <summary>Share of each user's training items held out to choose the epoch count (early stopping).</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>After early stopping, train afresh on all training items for the best epoch count.</summary>
    public bool Refit { get; init; } = true;

    public int Seed { get; init; } = 42;

    public int Threads { get; init; }

    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException("vae: " + message);
            }
        }

        Check(Hidden is >= 1 and <= 65_536, $"hidden must be 1..65536 (got {Hidden})");
        Check(Latent is >= 1 and <= 65_536, $"latent must be 1..65536 (got {Latent})");
        Check(Dropout is >= 0 and < 1, $"dropout must be in [0, 1) (got {Dropout})");
        Check(LearningRate is > 0 and <= 1, $"learning rate must be in (0, 1] (got {LearningRate})");
        Check(WeightDecay >= 0, $"weight decay must be >= 0 (got {WeightDecay})");
        Check(BatchSize >= 1, $"batch size must be >= 1 (got {BatchSize})");
        Check(MaxEpochs >= 1, $"epochs must be >= 1 (got {MaxEpochs})");
        Check(Patience >= 1, $"patience must be >= 1 (got {Patience})");
        Check(AnnealCap >= 0, $"anneal cap must be >= 0 (got {AnnealCap})");
        Check(AnnealSteps >= 1, $"anneal steps must be >= 1 (got {AnnealSteps})");
        Check(ValidationFraction is > 0 and < 1, $"validation fraction must be in (0, 1) (got {ValidationFraction})");
        Check(Threads >= 0, $"threads must be >= 0 (got {Threads})");
    }
}
