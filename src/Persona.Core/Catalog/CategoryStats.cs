namespace Persona.Core.Catalog;

/// <summary>Shared statistics of one category (full path), referenced by its items so the engine needs no lookup.</summary>
public sealed class CategoryStats(string path)
{
    private double _median = double.NaN;

    public string Path { get; } = path;

    /// <summary>Median catalog price of the category's items, or null when none has a price.</summary>
    public double? MedianPrice => double.IsNaN(Volatile.Read(ref _median)) ? null : Volatile.Read(ref _median);

    internal void SetMedian(double? median) => Volatile.Write(ref _median, median ?? double.NaN);
}
