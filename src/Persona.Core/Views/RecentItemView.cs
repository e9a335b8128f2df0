namespace Persona.Core.Views;

/// <summary>An entry of the recent item sequence.</summary>
public sealed record RecentItemView(string ItemId, string Type, DateTimeOffset Time);
