namespace Persona.Models.Training;

/// <summary>Feature rows of one width (row-major) with a class label each, grown by <see cref="Add"/>.</summary>
public sealed class LabelledRows
{
    private float[] _x;
    private int[] _y;

    public LabelledRows(int width, int classes, int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        Width = width;
        Classes = classes;
        _x = new float[Math.Max(1, capacity) * width];
        _y = new int[Math.Max(1, capacity)];
    }

    public int Width { get; }

    public int Classes { get; }

    public int Count { get; private set; }

    /// <summary>The rows, row-major, <see cref="Count"/> × <see cref="Width"/>.</summary>
    public ReadOnlySpan<float> Features => _x.AsSpan(0, Count * Width);

    public ReadOnlySpan<int> Labels => _y.AsSpan(0, Count);

    public ReadOnlySpan<float> Row(int i) => _x.AsSpan(i * Width, Width);

    public void Add(ReadOnlySpan<float> features, int label)
    {
        if (features.Length != Width)
        {
            throw new ArgumentException($"rows: a row of {features.Length} values, the width is {Width}", nameof(features));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, Classes);
        if (Count == _y.Length)
        {
            Array.Resize(ref _y, _y.Length * 2);
            Array.Resize(ref _x, _y.Length * Width);
        }

        features.CopyTo(_x.AsSpan(Count * Width));
        _y[Count] = label;
        Count++;
    }

    /// <summary>How often each class is the label, with <paramref name="smoothing"/> added to every count, as probabilities.</summary>
    public float[] Prior(double smoothing = 1)
    {
        var counts = new double[Classes];
        foreach (var y in Labels)
        {
            counts[y]++;
        }

        var total = Count + (smoothing * Classes);
        return [.. counts.Select(c => (float)((c + smoothing) / total))];
    }
}
