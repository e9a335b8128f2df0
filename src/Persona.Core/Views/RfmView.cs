namespace Persona.Core.Views;

/// <summary>Recency (days since the last purchase), frequency (purchases), monetary (spend) and average order value.</summary>
public sealed record RfmView(double? RecencyDays, long Frequency, long Frequency30Days, double Monetary, double? AverageOrderValue, long Units);
