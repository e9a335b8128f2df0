namespace Persona.Core.Discovery;

/// <summary>One customer's RFM inputs: days since the last purchase, purchases, and spend.</summary>
public sealed record RfmCustomer(string UserId, double RecencyDays, long Frequency, double Monetary);
