using Persona.Core.Engine;

namespace Persona.Core.Features.Families;

/// <summary>Interest: each label's share of the decayed weight over the labels' categories, and that mass (log1p).</summary>
internal sealed class InterestFeatures(ProfileEngine engine, InterestLabels labels) : IFeatureFamily
{
    public IReadOnlyList<string> Names { get; } = [.. labels.Names.Select(l => $"interest.{l}"), "interest.mass.log"];

    public void Write(in FeatureInput input, ref FeatureWriter w)
    {
        var state = input.State;
        var k = labels.Count;
        var n = state.InterestCount;
        Span<double> weights = n <= 256 ? stackalloc double[n] : new double[n];
        engine.InterestsNow(state, input.NowMs, weights);
        Span<double> byLabel = k <= 256 ? stackalloc double[k] : new double[k];
        byLabel.Clear();
        var mass = 0.0;
        for (var i = 0; i < n; i++)
        {
            var label = labels.Of(state.Interests[i].Key, input.Catalog);
            if (label >= 0 && weights[i] > 0)
            {
                byLabel[label] += weights[i];
                mass += weights[i];
            }
        }

        for (var l = 0; l < k; l++)
        {
            w.Put(mass > 0 ? byLabel[l] / mass : 0);
        }

        w.Log(mass);
    }
}
