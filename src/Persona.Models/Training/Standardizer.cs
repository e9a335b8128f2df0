namespace Persona.Models.Training;

/// <summary>Per-feature (x − mean) ÷ deviation, fitted on training rows; a constant feature keeps scale 1.</summary>
public sealed class Standardizer
{
    public Standardizer(float[] mean, float[] scale)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        if (mean.Length != scale.Length)
        {
            throw new ArgumentException("standardizer: mean and scale differ in length", nameof(scale));
        }

        Mean = mean;
        Scale = scale;
    }

    public float[] Mean { get; }

    /// <summary>1 ÷ deviation per feature.</summary>
    public float[] Scale { get; }

    public int Width => Mean.Length;

    public static Standardizer Fit(LabelledRows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var d = rows.Width;
        var sum = new double[d];
        var squares = new double[d];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows.Row(i);
            for (var j = 0; j < d; j++)
            {
                sum[j] += row[j];
                squares[j] += row[j] * (double)row[j];
            }
        }

        var n = Math.Max(1, rows.Count);
        var mean = new float[d];
        var scale = new float[d];
        for (var j = 0; j < d; j++)
        {
            var m = sum[j] / n;
            var deviation = Math.Sqrt(Math.Max(0, (squares[j] / n) - (m * m)));
            mean[j] = (float)m;
            scale[j] = deviation > 1e-6 ? (float)(1 / deviation) : 1f;
        }

        return new Standardizer(mean, scale);
    }

    public void Apply(ReadOnlySpan<float> x, Span<float> into)
    {
        System.Numerics.Tensors.TensorPrimitives.Subtract(x, Mean, into);
        System.Numerics.Tensors.TensorPrimitives.Multiply(into, Scale, into);
    }
}
