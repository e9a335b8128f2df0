namespace Persona.Core.Discovery;

/// <summary>One cluster: its index, size, the mean of each raw feature (by <see cref="ClusterPoint.FeatureNames"/>) and its members' most common top categories with their counts.</summary>
public sealed record ClusterSummary(int Cluster, int Size, IReadOnlyDictionary<string, double> Means, IReadOnlyList<CategoryCount> TopCategories);

/// <summary>A category and how many of a cluster's members have it as their top category.</summary>
public sealed record CategoryCount(string Category, int Users);
