namespace Persona.Core.Features.Families;

/// <summary>Writes one family's values, in its names' order, into its slice of the vector.</summary>
internal ref struct FeatureWriter(Span<float> into)
{
    private readonly Span<float> _into = into;
    private int _at;

    public void Put(double value) => _into[_at++] = (float)value;

    public void Log(double value) => Put(Math.Log(1 + Math.Max(0, value)));

    public void Skip(int count) => _at += count;

    public void OneHot(int index, int count)
    {
        if (index >= 0)
        {
            _into[_at + index] = 1;
        }

        _at += count;
    }

    public void Shares(ReadOnlySpan<int> counts)
    {
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        foreach (var c in counts)
        {
            Put(total > 0 ? c / (double)total : 0);
        }
    }

    /// <summary>Checks that the family wrote exactly one value per name.</summary>
    public readonly void End(IFeatureFamily family)
    {
        if (_at != _into.Length)
        {
            throw new InvalidOperationException($"features: {family.GetType().Name} wrote {_at} values for its {_into.Length} names");
        }
    }
}
