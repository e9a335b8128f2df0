using System.Numerics.Tensors;
using System.Text;

namespace Persona.Models.Sequence;

/// <summary>
/// The sequence model as served: the newest interactions (item, event type) → a user embedding (the last
/// position's hidden state of the SASRec blocks), and item embeddings for retrieval (score = dot product).
/// Pure managed code over <see cref="TensorPrimitives"/>; thread-safe, as it keeps no scratch state. Only
/// the newest position is needed from the last block, so that block computes one query. Trained by
/// <c>SequenceTrainer</c> (Persona.Models.Training); <see cref="TrainedSequenceModel.ParityMaxAbsDiff"/> says how close the two agree.
/// </summary>
public sealed class SequenceEncoder : IUserEncoder
{
    private const uint Magic = 0x51455350; // "PSEQ"
    private const int FormatVersion = 1;
    private const float NormEpsilon = 1e-8f;

    /// <summary>One block's weights; linear weights are [out, in] row-major, as TorchSharp keeps them.</summary>
    public sealed record Block(
        float[] AttentionGain, float[] AttentionBias,
        float[] QueryWeight, float[] QueryBias,
        float[] KeyWeight, float[] KeyBias,
        float[] ValueWeight, float[] ValueBias,
        float[] OutputWeight, float[] OutputBias,
        float[] ForwardGain, float[] ForwardBias,
        float[] InnerWeight, float[] InnerBias,
        float[] OuterWeight, float[] OuterBias)
    {
        internal IEnumerable<(float[] Values, int Expected)> Arrays(int d) =>
        [
            (AttentionGain, d), (AttentionBias, d), (QueryWeight, d * d), (QueryBias, d), (KeyWeight, d * d), (KeyBias, d),
            (ValueWeight, d * d), (ValueBias, d), (OutputWeight, d * d), (OutputBias, d), (ForwardGain, d), (ForwardBias, d),
            (InnerWeight, d * d), (InnerBias, d), (OuterWeight, d * d), (OuterBias, d),
        ];
    }

    private readonly float[] _table;
    private readonly float[] _typeTable;
    private readonly float[] _positionTable;
    private readonly Block[] _blocks;
    private readonly float[] _finalGain;
    private readonly float[] _finalBias;

    /// <summary>
    /// Builds the encoder from trained weights. <paramref name="table"/> is (items + 1) × d: row 0 is padding,
    /// row i + 1 is item i (its embedding plus its attributes' mean); <paramref name="typeTable"/> is types × d
    /// and <paramref name="positionTable"/> maxLength × d, row p for the interaction p steps before the newest.
    /// </summary>
    public SequenceEncoder(int dimension, int heads, int maxLength, int itemCount, int typeCount, float[] table, float[] typeTable, float[] positionTable, IReadOnlyList<Block> blocks, float[] finalGain, float[] finalBias)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (dimension < 1 || heads < 1 || dimension % heads != 0 || maxLength < 1 || itemCount < 1 || typeCount < 1 || blocks.Count < 1)
        {
            throw new ArgumentException($"sequence encoder: bad shape (d {dimension}, heads {heads}, length {maxLength}, items {itemCount}, types {typeCount}, blocks {blocks.Count})");
        }

        Check(table, (itemCount + 1) * dimension, "item table");
        Check(typeTable, typeCount * dimension, "type table");
        Check(positionTable, maxLength * dimension, "position table");
        Check(finalGain, dimension, "final norm");
        Check(finalBias, dimension, "final norm");
        foreach (var block in blocks)
        {
            foreach (var (values, expected) in block.Arrays(dimension))
            {
                Check(values, expected, "block");
            }
        }

        Dimension = dimension;
        Heads = heads;
        MaxLength = maxLength;
        ItemCount = itemCount;
        TypeCount = typeCount;
        _table = table;
        _typeTable = typeTable;
        _positionTable = positionTable;
        _blocks = [.. blocks];
        _finalGain = finalGain;
        _finalBias = finalBias;
    }

    public int Dimension { get; }

    public int Heads { get; }

    public int MaxLength { get; }

    public int ItemCount { get; }

    public int TypeCount { get; }

    public int BlockCount => _blocks.Length;

    /// <summary>Item <paramref name="item"/>'s embedding (the row its user embeddings are scored against).</summary>
    public ReadOnlySpan<float> ItemEmbedding(int item) => _table.AsSpan((item + 1) * Dimension, Dimension);

    /// <summary>The user embedding after <paramref name="items"/> (oldest first; only the newest <see cref="MaxLength"/> count).</summary>
    public float[] Encode(ReadOnlySpan<int> items, ReadOnlySpan<int> types)
    {
        var result = new float[Dimension];
        Encode(items, types, result);
        return result;
    }

    /// <summary>Writes the user embedding; an empty history gives zeros.</summary>
    public void Encode(ReadOnlySpan<int> items, ReadOnlySpan<int> types, Span<float> result)
    {
        if (types.Length != items.Length)
        {
            throw new ArgumentException("sequence encoder: items and types differ in length");
        }

        if (result.Length != Dimension)
        {
            throw new ArgumentException($"sequence encoder: the result needs {Dimension} values");
        }

        if (items.Length > MaxLength)
        {
            items = items[^MaxLength..];
            types = types[^MaxLength..];
        }

        var n = items.Length;
        if (n == 0)
        {
            result.Clear();
            return;
        }

        var d = Dimension;
        var x = new float[n * d];
        var scale = MathF.Sqrt(d);
        for (var i = 0; i < n; i++)
        {
            if ((uint)items[i] >= (uint)ItemCount || (uint)types[i] >= (uint)TypeCount)
            {
                throw new ArgumentOutOfRangeException(nameof(items), $"sequence encoder: item {items[i]} or type {types[i]} is outside the model");
            }

            var row = x.AsSpan(i * d, d);
            TensorPrimitives.Multiply(_table.AsSpan((items[i] + 1) * d, d), scale, row);
            TensorPrimitives.Add(row, _positionTable.AsSpan((n - 1 - i) * d, d), row);
            TensorPrimitives.Add(row, _typeTable.AsSpan(types[i] * d, d), row);
        }

        for (var b = 0; b < _blocks.Length; b++)
        {
            x = Apply(_blocks[b], x, n, lastOnly: b == _blocks.Length - 1);
        }

        // After the last block only the newest position is left.
        Norm(x.AsSpan(0, d), _finalGain, _finalBias, result);
    }

    /// <summary>Scores every item for a user embedding (dot products with the item table).</summary>
    public void Score(ReadOnlySpan<float> user, Span<float> scores)
    {
        if (user.Length != Dimension || scores.Length != ItemCount)
        {
            throw new ArgumentException($"sequence encoder: scoring takes a {Dimension}-vector into {ItemCount} scores");
        }

        var d = Dimension;
        for (var i = 0; i < ItemCount; i++)
        {
            scores[i] = TensorPrimitives.Dot(_table.AsSpan((i + 1) * d, d), user);
        }
    }

    /// <summary>One block over n positions; with <paramref name="lastOnly"/> it returns the newest position alone.</summary>
    private float[] Apply(Block block, float[] x, int n, bool lastOnly)
    {
        var d = Dimension;
        var dh = d / Heads;
        var from = lastOnly ? n - 1 : 0;
        var rows = n - from;
        var normed = new float[rows * d];
        var keys = new float[n * d];
        var values = new float[n * d];
        for (var i = 0; i < n; i++)
        {
            Linear(block.KeyWeight, block.KeyBias, x.AsSpan(i * d, d), keys.AsSpan(i * d, d));
            Linear(block.ValueWeight, block.ValueBias, x.AsSpan(i * d, d), values.AsSpan(i * d, d));
        }

        var output = new float[rows * d];
        var query = new float[d];
        var heads = new float[d];
        var weights = new float[n];
        var inner = new float[d];
        var invSqrt = 1f / MathF.Sqrt(dh);
        for (var r = 0; r < rows; r++)
        {
            var i = from + r;
            var q = normed.AsSpan(r * d, d);
            Norm(x.AsSpan(i * d, d), block.AttentionGain, block.AttentionBias, q);
            Linear(block.QueryWeight, block.QueryBias, q, query);
            heads.AsSpan().Clear();
            for (var h = 0; h < Heads; h++)
            {
                var qh = query.AsSpan(h * dh, dh);
                var w = weights.AsSpan(0, i + 1);
                for (var j = 0; j <= i; j++)
                {
                    w[j] = TensorPrimitives.Dot(qh, keys.AsSpan(j * d + h * dh, dh)) * invSqrt;
                }

                TensorPrimitives.SoftMax(w, w);
                var out_ = heads.AsSpan(h * dh, dh);
                for (var j = 0; j <= i; j++)
                {
                    TensorPrimitives.MultiplyAdd(values.AsSpan(j * d + h * dh, dh), w[j], out_, out_);
                }
            }

            var y = output.AsSpan(r * d, d);
            Linear(block.OutputWeight, block.OutputBias, heads, y);
            TensorPrimitives.Add(y, q, y);
            Norm(y, block.ForwardGain, block.ForwardBias, y);
            Linear(block.InnerWeight, block.InnerBias, y, inner);
            TensorPrimitives.Max(inner, 0f, inner);
            Linear(block.OuterWeight, block.OuterBias, inner, query);
            TensorPrimitives.Add(y, query, y);
        }

        return output;
    }

    private static void Linear(float[] weight, float[] bias, ReadOnlySpan<float> input, Span<float> output)
    {
        var inputs = input.Length;
        for (var o = 0; o < output.Length; o++)
        {
            output[o] = TensorPrimitives.Dot(weight.AsSpan(o * inputs, inputs), input) + bias[o];
        }
    }

    private static void Norm(ReadOnlySpan<float> input, float[] gain, float[] bias, Span<float> output)
    {
        var mean = TensorPrimitives.Sum(input) / input.Length;
        var variance = 0f;
        foreach (var v in input)
        {
            variance += (v - mean) * (v - mean);
        }

        var inv = 1f / MathF.Sqrt(variance / input.Length + NormEpsilon);
        for (var k = 0; k < input.Length; k++)
        {
            output[k] = ((input[k] - mean) * inv * gain[k]) + bias[k];
        }
    }

    private static void Check(float[] values, int expected, string what)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != expected)
        {
            throw new ArgumentException($"sequence encoder: the {what} has {values.Length} values where {expected} belong");
        }
    }

    public void Save(Stream stream)
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(Dimension);
        w.Write(Heads);
        w.Write(MaxLength);
        w.Write(ItemCount);
        w.Write(TypeCount);
        w.Write(_blocks.Length);
        Write(w, _table);
        Write(w, _typeTable);
        Write(w, _positionTable);
        foreach (var block in _blocks)
        {
            foreach (var (values, _) in block.Arrays(Dimension))
            {
                Write(w, values);
            }
        }

        Write(w, _finalGain);
        Write(w, _finalBias);
    }

    public static SequenceEncoder Load(Stream stream)
    {
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (r.ReadUInt32() != Magic)
            {
                throw new InvalidDataException("sequence model: not a Persona sequence weights file");
            }

            var version = r.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"sequence model: weights format {version}, this build reads {FormatVersion}");
            }

            var (d, heads, length, items, types, blockCount) = (r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
            if (d is < 1 or > 4096 || heads < 1 || length is < 1 or > 100_000 || items is < 1 or > 100_000_000 || types is < 1 or > 1024 || blockCount is < 1 or > 64
                || (long)(items + 1) * d > int.MaxValue || (long)length * d > int.MaxValue)
            {
                throw new InvalidDataException($"sequence model: bad shape (d {d}, heads {heads}, length {length}, items {items}, types {types}, blocks {blockCount})");
            }

            var table = Read(r, (items + 1) * d);
            var typeTable = Read(r, types * d);
            var positions = Read(r, length * d);
            var blocks = new Block[blockCount];
            for (var b = 0; b < blockCount; b++)
            {
                var a = new float[16][];
                for (var k = 0; k < 16; k++)
                {
                    a[k] = Read(r, k is 2 or 4 or 6 or 8 or 12 or 14 ? d * d : d);
                }

                blocks[b] = new Block(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
            }

            var gain = Read(r, d);
            var bias = Read(r, d);
            if (stream.CanSeek && stream.Position != stream.Length)
            {
                throw new InvalidDataException("sequence model: bytes after the final norm");
            }

            return new SequenceEncoder(d, heads, length, items, types, table, typeTable, positions, blocks, gain, bias);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException($"sequence model: the weights file is damaged ({ex.Message})", ex);
        }
    }

    private static void Write(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static float[] Read(BinaryReader r, int expected)
    {
        var n = r.ReadInt32();
        if (n != expected)
        {
            throw new InvalidDataException($"sequence model: an array of {n} values where {expected} belong");
        }

        var values = new float[n];
        var bytes = r.ReadBytes(n * sizeof(float));
        if (bytes.Length != n * sizeof(float))
        {
            throw new EndOfStreamException();
        }

        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
