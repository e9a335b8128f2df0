using System.IO.Hashing;
using System.Text;

namespace Persona.Core.Catalog;

/// <summary>
/// Stable 64-bit feature ids: the kind in the top 4 bits, a 60-bit XxHash64 of the feature name below.
/// Ids are stable across processes and machines, so profiles need no shared dictionary to be decoded.
/// </summary>
public static class FeatureId
{
    private const ulong HashMask = (1UL << 60) - 1;

    public static ulong Of(FeatureKind kind, string name)
    {
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(name));
        return ((ulong)kind << 60) | (hash & HashMask);
    }

    public static FeatureKind KindOf(ulong id) => (FeatureKind)(id >> 60);

    /// <summary>The display key of a feature, e.g. <c>category:Beauty/Makeup</c>.</summary>
    public static string Key(FeatureKind kind, string name) => kind switch
    {
        FeatureKind.Category => "category:" + name,
        FeatureKind.Brand => "brand:" + name,
        FeatureKind.Tag => "tag:" + name,
        FeatureKind.PriceBand => "price:" + name,
        _ => name,
    };

    /// <summary>Parses a display key such as <c>brand:Acme</c>.</summary>
    public static bool TryParseKey(string key, out FeatureKind kind, out string name)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        name = colon >= 0 ? key[(colon + 1)..] : string.Empty;
        kind = colon < 0 ? default : key[..colon] switch
        {
            "category" => FeatureKind.Category,
            "brand" => FeatureKind.Brand,
            "tag" => FeatureKind.Tag,
            "price" => FeatureKind.PriceBand,
            _ => default,
        };
        return kind != default && name.Length > 0;
    }

    /// <summary>The price band of a price: powers of two, e.g. 16-32.</summary>
    public static string PriceBandName(double price)
    {
        var band = price < 1 ? 0 : Math.Min(30, (int)Math.Floor(Math.Log2(price)));
        return band == 0 ? "0-2" : $"{1L << band}-{1L << (band + 1)}";
    }
}
