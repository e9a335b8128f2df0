namespace Persona.Core.Discovery;

/// <summary>A k-means clustering: each point's cluster, the centroids (in the space clustered), the iterations run and the within-cluster sum of squares.</summary>
public sealed record KMeansResult(IReadOnlyList<int> Assignments, IReadOnlyList<double[]> Centroids, int Iterations, double Inertia);
