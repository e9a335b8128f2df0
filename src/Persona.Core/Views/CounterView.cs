namespace Persona.Core.Views;

/// <summary>Counts of one event type: all time and in the 1 h, 24 h, 7 d and 30 d windows ending now.</summary>
public sealed record CounterView(long Total, long LastHour, long Last24Hours, long Last7Days, long Last30Days, DateTimeOffset Last);
