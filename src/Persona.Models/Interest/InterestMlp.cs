using System.Numerics.Tensors;
using System.Text;
using Persona.Models.Serving;
using Persona.Models.Training;

namespace Persona.Models.Interest;

/// <summary>
/// The interest model as served: behaviour features → standardise → hidden ReLU layer(s) → logits over the K
/// interest labels, plus the copy term (each label-aligned feature block, raw, times its learned weight;
/// <c>InterestNetwork</c>) → softmax. Pure managed code over <see cref="TensorPrimitives"/> (no native library on the read
/// path); thread-safe, as it keeps no scratch state. Trained by <c>InterestMlpTrainer</c> (Persona.Models.Training).
/// </summary>
public sealed class InterestMlp
{
    private const uint Magic = 0x504C4D50; // "PMLP"
    private const int FormatVersion = 1;

    /// <param name="standardizer">Feature scaling fitted on the training rows.</param>
    /// <param name="layers">Hidden layers (ReLU after each) and the output layer.</param>
    /// <param name="copyOffsets">Where each label-aligned block of K features starts (none: a plain MLP).</param>
    /// <param name="copyWeights">Each block's learned weight on its raw values.</param>
    /// <param name="copyLogWeights">Each block's learned weight on log(max(value, 0) + <see cref="CopyLogFloor"/>).</param>
    public InterestMlp(Standardizer standardizer, IReadOnlyList<DenseLayer> layers, IReadOnlyList<int>? copyOffsets = null, IReadOnlyList<float>? copyWeights = null, IReadOnlyList<float>? copyLogWeights = null)
    {
        ArgumentNullException.ThrowIfNull(standardizer);
        ArgumentNullException.ThrowIfNull(layers);
        CopyOffsets = [.. copyOffsets ?? []];
        CopyWeights = [.. copyWeights ?? []];
        CopyLogWeights = [.. copyLogWeights ?? new float[CopyOffsets.Length]];
        if (layers.Count == 0 || layers[0].Inputs != standardizer.Width)
        {
            throw new ArgumentException("interest mlp: the first layer must take the standardiser's width");
        }

        for (var i = 1; i < layers.Count; i++)
        {
            if (layers[i].Inputs != layers[i - 1].Outputs)
            {
                throw new ArgumentException($"interest mlp: layer {i} takes {layers[i].Inputs} inputs, layer {i - 1} gives {layers[i - 1].Outputs}");
            }
        }

        Standardizer = standardizer;
        Layers = layers;
        if (CopyOffsets.Length != CopyWeights.Length || CopyOffsets.Length != CopyLogWeights.Length || CopyOffsets.Any(o => o < 0 || o + Classes > Width))
        {
            throw new ArgumentException($"interest mlp: {CopyOffsets.Length} copy blocks with {CopyWeights.Length} weights, each {Classes} features inside the {Width}");
        }
    }

    public int[] CopyOffsets { get; }

    public float[] CopyWeights { get; }

    public float[] CopyLogWeights { get; }

    /// <summary>Added before the logarithm of a copied value, so that an absent label costs log(0.01), not −∞.</summary>
    public const float CopyLogFloor = 0.01f;

    public Standardizer Standardizer { get; }

    public IReadOnlyList<DenseLayer> Layers { get; }

    public int Width => Standardizer.Width;

    public int Classes => Layers[^1].Outputs;

    private int Widest => Math.Max(Width, Layers.Max(l => l.Outputs));

    /// <summary>The label distribution for one feature row, into <paramref name="probabilities"/> (K long).</summary>
    public void Predict(ReadOnlySpan<float> features, Span<float> probabilities)
    {
        if (features.Length != Width || probabilities.Length != Classes)
        {
            throw new ArgumentException($"interest mlp: takes {Width} features into {Classes} probabilities, got {features.Length} and {probabilities.Length}");
        }

        var widest = Widest;
        Span<float> a = widest <= 1024 ? stackalloc float[widest] : new float[widest];
        Span<float> b = widest <= 1024 ? stackalloc float[widest] : new float[widest];
        Standardizer.Apply(features, a[..Width]);
        var n = Width;
        for (var i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            layer.Forward(a[..n], b[..layer.Outputs]);
            n = layer.Outputs;
            if (i < Layers.Count - 1)
            {
                TensorPrimitives.Max(b[..n], 0f, b[..n]);
            }

            var t = a;
            a = b;
            b = t;
        }

        for (var c = 0; c < CopyOffsets.Length; c++)
        {
            // logits += w_c · block_c + v_c · log(block_c + floor) (the raw features, aligned with the labels)
            var block = features.Slice(CopyOffsets[c], n);
            TensorPrimitives.MultiplyAdd(block, CopyWeights[c], a[..n], a[..n]);
            TensorPrimitives.Max(block, 0f, b[..n]);
            TensorPrimitives.Add(b[..n], CopyLogFloor, b[..n]);
            TensorPrimitives.Log(b[..n], b[..n]);
            TensorPrimitives.MultiplyAdd(b[..n], CopyLogWeights[c], a[..n], a[..n]);
        }

        TensorPrimitives.SoftMax(a[..n], probabilities);
    }

    public float[] Predict(ReadOnlySpan<float> features)
    {
        var p = new float[Classes];
        Predict(features, p);
        return p;
    }

    public void Save(Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(Width);
        Write(w, Standardizer.Mean);
        Write(w, Standardizer.Scale);
        w.Write(Layers.Count);
        foreach (var layer in Layers)
        {
            w.Write(layer.Inputs);
            w.Write(layer.Outputs);
            Write(w, layer.Weights);
            Write(w, layer.Bias);
        }

        w.Write(CopyOffsets.Length);
        foreach (var o in CopyOffsets)
        {
            w.Write(o);
        }

        Write(w, CopyWeights);
        Write(w, CopyLogWeights);
    }

    public static InterestMlp Load(Stream stream)
    {
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (r.ReadUInt32() != Magic)
            {
                throw new InvalidDataException("interest mlp: not a Persona MLP weights file");
            }

            var version = r.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"interest mlp: weights format {version}, this build reads {FormatVersion}");
            }

            var width = r.ReadInt32();
            var standardizer = new Standardizer(Read(r, width), Read(r, width));
            var count = r.ReadInt32();
            if (count is < 1 or > 16)
            {
                throw new InvalidDataException($"interest mlp: {count} layers");
            }

            var layers = new List<DenseLayer>();
            for (var i = 0; i < count; i++)
            {
                var inputs = r.ReadInt32();
                var outputs = r.ReadInt32();
                if (inputs is < 1 or > 1 << 16 || outputs is < 1 or > 1 << 16)
                {
                    throw new InvalidDataException($"interest mlp: layer {i} is {inputs} → {outputs}");
                }

                layers.Add(new DenseLayer(inputs, outputs, Read(r, inputs * outputs), Read(r, outputs)));
            }

            var blocks = r.ReadInt32();
            if (blocks is < 0 or > 16)
            {
                throw new InvalidDataException($"interest mlp: {blocks} copy blocks");
            }

            var offsets = new int[blocks];
            for (var i = 0; i < blocks; i++)
            {
                offsets[i] = r.ReadInt32();
            }

            var weights = Read(r, blocks);
            var logWeights = Read(r, blocks);
            if (stream.CanSeek && stream.Position != stream.Length)
            {
                throw new InvalidDataException("interest mlp: bytes after the copy weights");
            }

            return new InterestMlp(standardizer, layers, offsets, weights, logWeights);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException($"interest mlp: the weights file is damaged ({ex.Message})", ex);
        }
    }

    private static void Write(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        foreach (var v in values)
        {
            w.Write(v);
        }
    }

    private static float[] Read(BinaryReader r, int expected)
    {
        var n = r.ReadInt32();
        if (n != expected)
        {
            throw new InvalidDataException($"interest mlp: an array of {n} values where {expected} belong");
        }

        var values = new float[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = r.ReadSingle();
        }

        return values;
    }
}
