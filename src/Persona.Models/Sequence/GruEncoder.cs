using System.Numerics.Tensors;

namespace Persona.Models.Sequence;

/// <summary>
/// The recurrent (GRU4Rec-family) sequence model as served: each interaction's item embedding (plus its
/// attributes' mean) and event-type embedding go through one GRU layer, whose state after the newest
/// interaction is the user embedding; items are scored by dot products with the item table. Gates as in
/// PyTorch: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h. Thread-safe.
/// </summary>
public sealed class GruEncoder : IUserEncoder
{
    private readonly float[] _table;
    private readonly float[] _typeTable;
    private readonly float[] _inputWeights;
    private readonly float[] _hiddenWeights;
    private readonly float[] _inputBias;
    private readonly float[] _hiddenBias;

    /// <summary>Weights as TorchSharp keeps them: the input and hidden matrices are [3d, d] (gates r, z, n), biases [3d].</summary>
    public GruEncoder(int dimension, int maxLength, int itemCount, int typeCount, float[] table, float[] typeTable, float[] inputWeights, float[] hiddenWeights, float[] inputBias, float[] hiddenBias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(typeCount, 1);
        var d = dimension;
        if (table?.Length != (itemCount + 1) * d || typeTable?.Length != typeCount * d || inputWeights?.Length != 3 * d * d || hiddenWeights?.Length != 3 * d * d || inputBias?.Length != 3 * d || hiddenBias?.Length != 3 * d)
        {
            throw new ArgumentException($"gru encoder: weights do not fit d {d}, {itemCount} items, {typeCount} types");
        }

        Dimension = d;
        MaxLength = maxLength;
        ItemCount = itemCount;
        TypeCount = typeCount;
        _table = table;
        _typeTable = typeTable;
        _inputWeights = inputWeights;
        _hiddenWeights = hiddenWeights;
        _inputBias = inputBias;
        _hiddenBias = hiddenBias;
    }

    public int Dimension { get; }

    public int MaxLength { get; }

    public int ItemCount { get; }

    public int TypeCount { get; }

    public float[] Encode(ReadOnlySpan<int> items, ReadOnlySpan<int> types)
    {
        if (items.Length != types.Length)
        {
            throw new ArgumentException("gru encoder: items and types differ in length");
        }

        if (items.Length > MaxLength)
        {
            items = items[^MaxLength..];
            types = types[^MaxLength..];
        }

        var d = Dimension;
        var h = new float[d];
        var x = new float[d];
        var gi = new float[3 * d];
        var gh = new float[3 * d];
        for (var t = 0; t < items.Length; t++)
        {
            if ((uint)items[t] >= (uint)ItemCount || (uint)types[t] >= (uint)TypeCount)
            {
                throw new ArgumentOutOfRangeException(nameof(items), $"gru encoder: item {items[t]} or type {types[t]} is outside the model");
            }

            TensorPrimitives.Add(_table.AsSpan((items[t] + 1) * d, d), _typeTable.AsSpan(types[t] * d, d), x);
            for (var o = 0; o < 3 * d; o++)
            {
                gi[o] = TensorPrimitives.Dot(_inputWeights.AsSpan(o * d, d), x) + _inputBias[o];
                gh[o] = TensorPrimitives.Dot(_hiddenWeights.AsSpan(o * d, d), h) + _hiddenBias[o];
            }

            for (var k = 0; k < d; k++)
            {
                var r = Sigmoid(gi[k] + gh[k]);
                var z = Sigmoid(gi[d + k] + gh[d + k]);
                var n = MathF.Tanh(gi[(2 * d) + k] + (r * gh[(2 * d) + k]));
                h[k] = ((1 - z) * n) + (z * h[k]);
            }
        }

        return h;
    }

    public void Score(ReadOnlySpan<float> user, Span<float> scores)
    {
        if (user.Length != Dimension || scores.Length != ItemCount)
        {
            throw new ArgumentException($"gru encoder: scoring takes a {Dimension}-vector into {ItemCount} scores");
        }

        for (var i = 0; i < ItemCount; i++)
        {
            scores[i] = TensorPrimitives.Dot(_table.AsSpan((i + 1) * Dimension, Dimension), user);
        }
    }

    private static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));
}
