using System.Globalization;

namespace Persona.Storage;

/// <summary>Where the display names of features that no catalog item defines (declared in preference events) are stored: metadata keys <c>feature/{id}</c>.</summary>
internal static class FeatureNames
{
    public const string Prefix = "feature/";

    public static string Key(ulong featureId) => Prefix + featureId.ToString("x16", CultureInfo.InvariantCulture);
}
