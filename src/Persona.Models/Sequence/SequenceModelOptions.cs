namespace Persona.Models.Sequence;

/// <summary>
/// Hyper-parameters of the self-attentive sequence model (SASRec: causal self-attention blocks over the
/// newest <see cref="MaxLength"/> interactions, output tied to the item table, trained with the full softmax
/// over all items at every position). Defaults follow SASRec's published setting for sparse data
/// (d = 64, 2 blocks, 1 head, dropout 0.5, Adam 1e-3); <c>--search</c> explores around them on validation.
/// </summary>
public sealed record SequenceModelOptions
{
    /// <summary><c>sasrec</c> (self-attention blocks) or <c>gru</c> (one GRU layer, the GRU4Rec family), with the same inputs, loss and training.</summary>
    public string Encoder { get; init; } = "sasrec";

    public int Dimension { get; init; } = 64;

    public int Blocks { get; init; } = 2;

    public int Heads { get; init; } = 1;

    /// <summary>How many of the newest interactions the model reads.</summary>
    public int MaxLength { get; init; } = 50;

    public float Dropout { get; init; } = 0.5f;

    public float LearningRate { get; init; } = 1e-3f;

    public float WeightDecay { get; init; }

    public int BatchSize { get; init; } = 128;

    /// <summary>
    /// Negatives of the sampled softmax, drawn uniformly and shared by each batch; 0 (or at least the number
    /// of items) trains with the full softmax over all items.
    /// </summary>
    public int Negatives { get; init; }

    public int MaxEpochs { get; init; } = 200;

    /// <summary>Epochs without a better validation NDCG@10 before training stops (the best epoch's weights are kept).</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Add the mean of the item's attribute embeddings to its own embedding (input and output alike).</summary>
    public bool UseAttributes { get; init; } = true;

    public int Seed { get; init; } = 42;

    /// <summary>Intra-op threads for training (0: TorchSharp's default).</summary>
    public int Threads { get; init; }

    public void Validate()
    {
        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException("sequence model: " + message);
            }
        }

        Check(Encoder is "sasrec" or "gru", $"encoder must be sasrec or gru (got {Encoder})");
        Check(Dimension is >= 4 and <= 1024, $"dimension must be 4..1024 (got {Dimension})");
        Check(Heads >= 1 && Dimension % Heads == 0, $"heads must divide the dimension (got {Heads} for {Dimension})");
        Check(Blocks is >= 1 and <= 8, $"blocks must be 1..8 (got {Blocks})");
        Check(MaxLength is >= 2 and <= 1000, $"max length must be 2..1000 (got {MaxLength})");
        Check(Dropout is >= 0 and < 1, $"dropout must be in [0, 1) (got {Dropout})");
        Check(LearningRate is > 0 and <= 1, $"learning rate must be in (0, 1] (got {LearningRate})");
        Check(WeightDecay >= 0, $"weight decay must be >= 0 (got {WeightDecay})");
        Check(Negatives >= 0, $"negatives must be >= 0 (got {Negatives})");
        Check(BatchSize >= 1, $"batch size must be >= 1 (got {BatchSize})");
        Check(MaxEpochs >= 1, $"epochs must be >= 1 (got {MaxEpochs})");
        Check(Patience >= 1, $"patience must be >= 1 (got {Patience})");
        Check(Threads >= 0, $"threads must be >= 0 (got {Threads})");
    }
}
