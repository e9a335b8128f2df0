using Persona.Core.Discovery;
using Persona.Server.OpenApi;
using Persona.Server.Security;
using Persona.Serving.Access;
using Persona.Serving.Privacy;

namespace Persona.Server.Apis;

/// <summary><c>GET /v1/discovery/rfm</c> and <c>GET /v1/discovery/clusters?k=&amp;seed=</c>: segments found in the data rather than written as rules.</summary>
public static class DiscoveryApi
{
    public const int MaxK = 20;

    public static IEndpointRouteBuilder MapDiscoveryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/discovery/rfm", Rfm)
            .WithTags("Discovery")
            .WithSummary("RFM quintile scores of every customer, summarised per cell of the RFM segment map; epsilon=E gives ε-differentially private cell counts (no means)")
            .DocumentQuery(PrivateCounts.EpsilonDoc)
            .Produces<RfmReport>()
            .Produces<PrivateRfmReport>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireScope(Scopes.Analytics);
        app.MapGet("/v1/discovery/clusters", Clusters)
            .WithTags("Discovery")
            .WithSummary("Seeded k-means++ over standardized profile features, summarised per cluster; epsilon=E gives ε-differentially private sizes and centroids (DP-Lloyd; no top categories)")
            .DocumentQuery(QueryParameterDoc.WholeNumber("k", "Clusters", 4, 2, MaxK), QueryParameterDoc.WholeNumber("seed", "Seed of the k-means++ start", 7, 0, int.MaxValue), PrivateCounts.EpsilonDoc)
            .Produces<ClustersReport>()
            .Produces<PrivateClustersReport>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireScope(Scopes.Analytics);
        return app;
    }

    private static async Task<IResult> Rfm(ProfileViews views, PrivacyBudget budget, HttpContext context, string? epsilon = null)
    {
        if (PrivateCounts.Charge(epsilon, context, budget, out var e, out var left) is { } refused)
        {
            return refused;
        }

        var ct = context.RequestAborted;
        var customers = await Task.Run(() =>
        {
            var list = new List<RfmCustomer>();
            views.VisitProfiles(p =>
            {
                if (p.View.Rfm is { Frequency: > 0, RecencyDays: { } recency } rfm)
                {
                    list.Add(new RfmCustomer(p.View.UserId, recency, rfm.Frequency, rfm.Monetary));
                }
            }, k: 1, ct);
            return list;
        }, ct);
        if (e is not { } eps)
        {
            return TypedResults.Ok(new RfmReport(customers.Count, RfmScoring.Summarise(customers, RfmScoring.Score(customers))));
        }

        // Two steps of ε/2 each (PrivateRfm): noisy binned quintiles (sensitivity 2), then noisy cell counts
        // (sensitivity 1). The total is the sum of the noisy cells, which costs nothing more; means are not released.
        var note = PrivacyNote.Laplace(eps / 2, 1, left) with { Epsilon = eps, Mechanism = "laplace: binned quintiles (ε/2, sensitivity 2), then cell counts (ε/2, sensitivity 1)" };
        var cells = PrivateRfm.Release(customers, eps, LaplaceMechanism.Sample).Select(c => new PrivateRfmCell(c.Cell, c.Customers)).ToList();
        return TypedResults.Ok(new PrivateRfmReport(cells.Sum(c => c.Customers), cells, note));
    }

    private static async Task<IResult> Clusters(ProfileViews views, PrivacyBudget budget, HttpContext context, string? k = null, string? seed = null, string? epsilon = null)
    {
        if (QueryValue.Integer(k, "k", 4, 2, MaxK, out var problem) is not { } clusters
            || QueryValue.Integer(seed, "seed", 7, 0, int.MaxValue, out problem) is not { } s)
        {
            return QueryValue.BadRequest(problem!);
        }

        if (PrivateCounts.Charge(epsilon, context, budget, out var e, out var left) is { } refused)
        {
            return refused;
        }

        var ct = context.RequestAborted;
        var points = await Task.Run(() =>
        {
            var list = new List<ClusterPoint>();
            views.VisitProfiles(p => list.Add(ClusterPoint.From(p.View)), k: 1, ct);
            return list;
        }, ct);
        if (points.Count < clusters)
        {
            return QueryValue.BadRequest($"k: {clusters} is more than the {points.Count} users with profiles");
        }

        if (e is { } eps)
        {
            // DP-Lloyd (PrivateClusters): T steps of ε/T, each with L1 sensitivity 1 + d.
            var released = await Task.Run(() => PrivateClusters.Release(points, (int)clusters, (int)s, eps, LaplaceMechanism.Sample), ct);
            var note = PrivacyNote.Laplace(eps / PrivateClusters.Iterations, PrivateClusters.StepSensitivity, left) with
            {
                Epsilon = eps,
                Mechanism = $"laplace: DP-Lloyd, {PrivateClusters.Iterations} steps of ε/{PrivateClusters.Iterations} over features clamped to fixed ranges, sensitivity {PrivateClusters.StepSensitivity} per step",
            };
            return TypedResults.Ok(new PrivateClustersReport(released.Sum(c => c.Size), (int)clusters, (int)s, ClusterPoint.FeatureNames, released, note));
        }

        var summaries = await Task.Run(() => ClusterDiscovery.Run(points, (int)clusters, (int)s, out _), ct);
        return TypedResults.Ok(new ClustersReport(points.Count, (int)clusters, (int)s, ClusterPoint.FeatureNames, summaries));
    }
}

/// <summary>The RFM map with ε-differentially private customer counts per cell, and how they were made.</summary>
public sealed record PrivateRfmReport(long Customers, IReadOnlyList<PrivateRfmCell> Cells, PrivacyNote Privacy);

/// <summary>A cell of the RFM map and its noisy customer count.</summary>
public sealed record PrivateRfmCell(string Name, long Customers);

/// <summary>How many customers (users with a purchase) were scored, and each cell of the RFM map.</summary>
public sealed record RfmReport(int Customers, IReadOnlyList<RfmCell> Cells);

/// <summary>The users clustered, k, the seed, the features (raw means per cluster are keyed by them) and the clusters, largest first.</summary>
public sealed record ClustersReport(int Users, int K, int Seed, IReadOnlyList<string> Features, IReadOnlyList<ClusterSummary> Clusters);

/// <summary>Cluster summaries released with ε-differential privacy: noisy total and sizes, centroids in the features' units, and how they were made.</summary>
public sealed record PrivateClustersReport(long Users, int K, int Seed, IReadOnlyList<string> Features, IReadOnlyList<PrivateCluster> Clusters, PrivacyNote Privacy);
