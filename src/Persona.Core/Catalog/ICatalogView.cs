namespace Persona.Core.Catalog;

/// <summary>Read access to the catalog, as the engine sees it.</summary>
public interface ICatalogView
{
    ItemFeatures? Find(string itemId);

    /// <summary>Median catalog price of a category (full path joined with '/'), if known.</summary>
    double? CategoryMedianPrice(string category);

    /// <summary>The display key of a feature id (e.g. <c>category:Beauty/Makeup</c>), or null if unknown.</summary>
    string? FeatureName(ulong featureId);
}
