using System.Globalization;
using Persona.Core.Churn;
using Persona.Core.Engine;
using Persona.Core.Pipeline;
using Persona.Models.Artifacts;
using Persona.Serving.ModelHosting;
using Persona.Serving.Profiles;

namespace Persona.Serving.Churn;

/// <summary>
/// Ranks customers (users with spend) by churn risk × spend. With a churn model active, the risk is the model's and
/// a customer's reasons are the features whose replacement by the population mean lowers the risk most (three at
/// most, each with the risk it would give). Without one, the risk comes from the purchase rhythm
/// (<see cref="PurchaseRhythm"/>) and the reasons are its facts ("no purchase for 41 days, usually every 12").
/// </summary>
public sealed class ChurnWarning(IProfileStore store, ProfileReader reader, ProfileViews views, ModelHost models, TimeProvider clock)
{
    public AtRiskReport AtRisk(int limit, CancellationToken ct = default)
    {
        var churn = models.Current.Find<FeatureModelArtifact>(FeatureModelArtifact.ChurnKind);
        return churn is null ? ByRecency(limit, ct) : ByModel(churn, limit, ct);
    }

    private AtRiskReport ByRecency(int limit, CancellationToken ct)
    {
        var ranked = new List<AtRiskCustomer>();
        views.VisitProfiles(p =>
        {
            var v = p.View;
            if (v.Rfm.Monetary <= 0)
            {
                return;
            }

            var rhythm = PurchaseRhythm.Of(v);
            ranked.Add(new AtRiskCustomer(v.UserId, Math.Round(rhythm.Risk, 6), v.Rfm.Monetary, Math.Round(rhythm.Risk * v.Rfm.Monetary, 4), rhythm.Reasons));
        }, k: 1, ct);
        return new AtRiskReport("recency", null, ranked.Count, Top(ranked, limit));
    }

    private AtRiskReport ByModel(FeatureModelArtifact churn, int limit, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var users = new List<string>();
        store.VisitUsers(users.Add);
        users.Sort(StringComparer.Ordinal);
        var rows = new List<(string User, float[] X, double Risk, double Value)>();
        var sum = new double[churn.Extractor.Width];
        var all = 0;
        foreach (var user in users)
        {
            ct.ThrowIfCancellationRequested();
            var read = store.Read(user, s => new Captured(reader.Read(s, store.Catalog, now, 1).Rfm.Monetary, churn.Extractor.Extract(s, store.Catalog, now)));
            if (read is null)
            {
                continue;
            }

            all++;
            for (var j = 0; j < sum.Length; j++)
            {
                sum[j] += read.Features[j];
            }

            if (read.Monetary > 0)
            {
                rows.Add((user, read.Features, churn.Model.Predict(read.Features)[1], read.Monetary));
            }
        }

        var mean = sum.Select(x => (float)(x / Math.Max(1, all))).ToArray();
        var top = rows.OrderByDescending(r => r.Risk * r.Value).ThenBy(r => r.User, StringComparer.Ordinal).Take(limit)
            .Select(r => new AtRiskCustomer(r.User, Math.Round(r.Risk, 6), r.Value, Math.Round(r.Risk * r.Value, 4), Reasons(churn, r.X, r.Risk, mean)))
            .ToList();
        return new AtRiskReport("model", churn.Metadata.Version, rows.Count, top);
    }

    /// <summary>The features whose value at the population mean lowers the risk most, largest drop first.</summary>
    private static List<string> Reasons(FeatureModelArtifact churn, float[] x, double risk, float[] mean)
    {
        var names = churn.Extractor.Schema.Names;
        var drops = new List<(int Feature, double Risk)>();
        var probe = (float[])x.Clone();
        for (var j = 0; j < x.Length; j++)
        {
            if (x[j] == mean[j])
            {
                continue;
            }

            probe[j] = mean[j];
            var r = churn.Model.Predict(probe)[1];
            probe[j] = x[j];
            if (r < risk)
            {
                drops.Add((j, r));
            }
        }

        return [.. drops.OrderBy(d => d.Risk).ThenBy(d => d.Feature).Take(3).Select(d => string.Create(CultureInfo.InvariantCulture,
            $"{names[d.Feature]} is {x[d.Feature]:0.###} (population mean {mean[d.Feature]:0.###}); at the mean the risk would be {d.Risk:0.###} instead of {risk:0.###}"))];
    }

    private static List<AtRiskCustomer> Top(List<AtRiskCustomer> ranked, int limit) =>
        [.. ranked.OrderByDescending(c => c.Score).ThenBy(c => c.UserId, StringComparer.Ordinal).Take(limit)];

    private sealed record Captured(double Monetary, float[] Features);
}
