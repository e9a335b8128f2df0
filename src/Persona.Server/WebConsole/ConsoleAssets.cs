using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Persona.Server.WebConsole;

/// <summary>
/// The web console's files, embedded in this assembly (<c>WebConsole/assets</c>, logical names <c>console/…</c>) and
/// read once: nothing is fetched at run time and nothing outside the assembly is served. Each file has its content
/// type and a strong ETag (its SHA-256).
/// </summary>
public sealed class ConsoleAssets
{
    private const string Prefix = "console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, ConsoleAsset> _assets;

    public ConsoleAssets()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var assets = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var path = name[Prefix.Length..];
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
            assets[path] = new ConsoleAsset(bytes, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32] + "\"");
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
        if (!_assets.ContainsKey(IndexFile))
        {
            throw new InvalidOperationException($"the console's {IndexFile} is not embedded in {assembly.GetName().Name}");
        }
    }

    /// <summary>The page every console path that is not a file answers with (the app routes on the path itself).</summary>
    public const string IndexFile = "index.html";

    /// <summary>The file at <paramref name="path"/> (relative to <c>/ui/</c>), or null.</summary>
    public ConsoleAsset? Find(string path) => _assets.GetValueOrDefault(path);

    public ConsoleAsset Index => _assets[IndexFile];

    public IEnumerable<string> Paths => _assets.Keys;
}

/// <summary>One console file: its bytes, content type and ETag.</summary>
public sealed record ConsoleAsset(byte[] Bytes, string ContentType, string ETag);
