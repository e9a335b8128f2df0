using System.Security.Cryptography;
using System.Text;

namespace Persona.Core.Features;

/// <summary>
/// The named, ordered inputs of a feature vector. The hash (16 hex digits of a SHA-256 over the version and
/// the names) identifies the schema: a model trained on one schema is served only by an extractor with the
/// same hash.
/// </summary>
public sealed class FeatureSchema
{
    public FeatureSchema(int version, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        Version = version;
        Names = names;
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"feature schema: '{duplicate.Key}' appears twice", nameof(names));
        }

        Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"persona-features v{version}\n{string.Join('\n', names)}")))[..16];
    }

    public int Version { get; }

    public IReadOnlyList<string> Names { get; }

    public string Hash { get; }

    public int Width => Names.Count;

    /// <summary>The index of a named feature, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
