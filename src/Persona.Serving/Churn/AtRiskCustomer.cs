namespace Persona.Serving.Churn;

/// <summary>A customer at risk: churn risk, value (spend so far), their product (the ranking score) and the top reasons for the risk.</summary>
public sealed record AtRiskCustomer(string UserId, double ChurnRisk, double Value, double Score, IReadOnlyList<string> Reasons);

/// <summary>The ranking and where its risks came from: <c>model</c> (the active churn model, with its version) or <c>recency</c>.</summary>
public sealed record AtRiskReport(string Source, string? ModelVersion, int Customers, IReadOnlyList<AtRiskCustomer> Users);
