namespace Persona.Core.Features.Families;

/// <summary>The recent item sequence: each label's share of its labelled items, and the newest item's label one-hot.</summary>
internal sealed class RecentItemFeatures(InterestLabels labels) : IFeatureFamily
{
    public IReadOnlyList<string> Names { get; } = [.. labels.Names.Select(l => $"recent.{l}"), .. labels.Names.Select(l => $"recent.last.{l}")];

    public void Write(in FeatureInput input, ref FeatureWriter w)
    {
        var state = input.State;
        var k = labels.Count;
        Span<double> byLabel = k <= 256 ? stackalloc double[k] : new double[k];
        byLabel.Clear();
        var labelled = 0;
        var newest = -1;
        for (var i = 0; i < state.Recent.Count; i++)
        {
            var label = labels.Of(input.Catalog.Find(state.Recent[i].ItemId));
            if (label >= 0)
            {
                byLabel[label]++;
                labelled++;
            }

            newest = label;
        }

        for (var l = 0; l < k; l++)
        {
            w.Put(labelled > 0 ? byLabel[l] / labelled : 0);
        }

        w.OneHot(newest, k);
    }
}
