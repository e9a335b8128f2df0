using System.Numerics.Tensors;
using System.Text;
using Persona.Models.Serving;

namespace Persona.Models.Collaborative;

/// <summary>
/// The collaborative VAE as served: a user's item set → its latent mean (the user embedding) → scores over
/// all items (the decoder's logits). Pure managed code over <see cref="TensorPrimitives"/>; thread-safe.
/// Trained by <c>VaeTrainer</c> (Persona.Models.Training).
/// </summary>
public sealed class CollaborativeVae
{
    private const uint Magic = 0x45415650; // "PVAE"
    private const int FormatVersion = 1;

    /// <param name="encoder">Items → hidden (tanh after).</param>
    /// <param name="mean">Hidden → latent mean (the μ half of the trained latent layer).</param>
    /// <param name="decoder">Latent → hidden (tanh after).</param>
    /// <param name="output">Hidden → item logits.</param>
    public CollaborativeVae(DenseLayer encoder, DenseLayer mean, DenseLayer decoder, DenseLayer output)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(output);
        if (mean.Inputs != encoder.Outputs || decoder.Inputs != mean.Outputs || output.Inputs != decoder.Outputs || output.Outputs != encoder.Inputs)
        {
            throw new ArgumentException($"vae: layers do not chain ({encoder.Inputs}→{encoder.Outputs}, {mean.Inputs}→{mean.Outputs}, {decoder.Inputs}→{decoder.Outputs}, {output.Inputs}→{output.Outputs})");
        }

        Encoder = encoder;
        Mean = mean;
        Decoder = decoder;
        Output = output;
    }

    public DenseLayer Encoder { get; }

    public DenseLayer Mean { get; }

    public DenseLayer Decoder { get; }

    public DenseLayer Output { get; }

    public int ItemCount => Encoder.Inputs;

    public int Dimension => Mean.Outputs;

    /// <summary>The user embedding (latent mean) of an item set; repeated items count once.</summary>
    public float[] Encode(ReadOnlySpan<int> items)
    {
        var set = new SortedSet<int>();
        foreach (var i in items)
        {
            if ((uint)i >= (uint)ItemCount)
            {
                throw new ArgumentOutOfRangeException(nameof(items), $"vae: item {i} is outside the model's {ItemCount}");
            }

            set.Add(i);
        }

        // Summed in item order, so the same set gives the same bits whatever order or repeats it came in.
        var distinct = set.ToArray();

        // The normalised multi-hot input times W is the sum of the items' columns, scaled.
        var hidden = (float[])Encoder.Bias.Clone();
        var scale = distinct.Length == 0 ? 0f : 1f / MathF.Sqrt(distinct.Length);
        var w = Encoder.Weights;
        for (var o = 0; o < Encoder.Outputs; o++)
        {
            var row = o * Encoder.Inputs;
            var sum = 0f;
            foreach (var i in distinct)
            {
                sum += w[row + i];
            }

            hidden[o] += sum * scale;
        }

        TensorPrimitives.Tanh(hidden, hidden);
        var mean = new float[Mean.Outputs];
        Mean.Forward(hidden, mean);
        return mean;
    }

    /// <summary>Scores every item (decoder logits) for a user embedding.</summary>
    public void Score(ReadOnlySpan<float> embedding, Span<float> scores)
    {
        if (embedding.Length != Dimension || scores.Length != ItemCount)
        {
            throw new ArgumentException($"vae: scoring takes a {Dimension}-vector into {ItemCount} scores");
        }

        var hidden = new float[Decoder.Outputs];
        Decoder.Forward(embedding, hidden);
        TensorPrimitives.Tanh(hidden, hidden);
        Output.Forward(hidden, scores);
    }

    public void Save(Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        foreach (var layer in new[] { Encoder, Mean, Decoder, Output })
        {
            w.Write(layer.Inputs);
            w.Write(layer.Outputs);
            w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(layer.Weights.AsSpan()));
            w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(layer.Bias.AsSpan()));
        }
    }

    public static CollaborativeVae Load(Stream stream)
    {
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (r.ReadUInt32() != Magic)
            {
                throw new InvalidDataException("vae: not a Persona VAE weights file");
            }

            var version = r.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"vae: weights format {version}, this build reads {FormatVersion}");
            }

            var layers = new DenseLayer[4];
            for (var k = 0; k < 4; k++)
            {
                var (inputs, outputs) = (r.ReadInt32(), r.ReadInt32());
                if (inputs is < 1 or > 50_000_000 || outputs is < 1 or > 50_000_000 || (long)inputs * outputs > 500_000_000)
                {
                    throw new InvalidDataException($"vae: layer {k} is {inputs} → {outputs}");
                }

                layers[k] = new DenseLayer(inputs, outputs, Floats(r, inputs * outputs), Floats(r, outputs));
            }

            if (stream.CanSeek && stream.Position != stream.Length)
            {
                throw new InvalidDataException("vae: bytes after the output layer");
            }

            return new CollaborativeVae(layers[0], layers[1], layers[2], layers[3]);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException($"vae: the weights file is damaged ({ex.Message})", ex);
        }
    }

    private static float[] Floats(BinaryReader r, int n)
    {
        var bytes = r.ReadBytes(n * sizeof(float));
        if (bytes.Length != n * sizeof(float))
        {
            throw new EndOfStreamException();
        }

        var values = new float[n];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
