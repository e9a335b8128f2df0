using Persona.Core.Catalog;

namespace Persona.Recommend.Ranking.Features;

/// <summary>A candidate item as the features see it: its index number, its id and its catalog features (null when the catalog does not know it).</summary>
internal readonly record struct Candidate(int Item, string ItemId, ItemFeatures? Catalog);
