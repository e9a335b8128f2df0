namespace Persona.Core.Discovery;

/// <summary>One named cell of the RFM segment map: how many customers it holds and their mean inputs.</summary>
public sealed record RfmCell(string Name, int Customers, double MeanRecencyDays, double MeanFrequency, double MeanMonetary);
