namespace Persona.Core.Catalog;

/// <summary>The kinds of interest features. Stored in the top 4 bits of a feature id.</summary>
public enum FeatureKind : byte
{
    Category = 1,
    Brand = 2,
    Tag = 3,
    PriceBand = 4,
}
