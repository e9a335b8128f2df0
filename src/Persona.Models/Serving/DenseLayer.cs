using System.Numerics.Tensors;

namespace Persona.Models.Serving;

/// <summary>A fully connected layer for serving: <c>y = W x + b</c>, W row-major (outputs × inputs).</summary>
public sealed class DenseLayer
{
    public DenseLayer(int inputs, int outputs, float[] weights, float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(bias);
        if (inputs < 1 || outputs < 1 || weights.Length != inputs * outputs || bias.Length != outputs)
        {
            throw new ArgumentException($"dense layer: {inputs} → {outputs} needs {inputs * outputs} weights and {outputs} biases, got {weights.Length} and {bias.Length}");
        }

        Inputs = inputs;
        Outputs = outputs;
        Weights = weights;
        Bias = bias;
    }

    public int Inputs { get; }

    public int Outputs { get; }

    public float[] Weights { get; }

    public float[] Bias { get; }

    public void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        var w = Weights.AsSpan();
        for (var o = 0; o < Outputs; o++)
        {
            y[o] = TensorPrimitives.Dot(w.Slice(o * Inputs, Inputs), x) + Bias[o];
        }
    }
}
