using System.Globalization;
using System.Security.Cryptography;

namespace Persona.Storage.Encryption;

/// <summary>
/// The keys that encrypt a store at rest: 256-bit AES keys under small ids (1..255). The highest id encrypts every
/// new value; every key decrypts what was written under it, so a key is rotated by adding one with a higher id and
/// retired only once nothing written under it is left. Read from a file or an environment variable holding lines
/// (or comma-separated entries) <c>ID:BASE64</c>; <c>#</c> starts a comment.
/// </summary>
public sealed class StoreKeyRing
{
    /// <summary>The environment variable a key ring may be given in.</summary>
    public const string EnvironmentVariable = "PERSONA_ENCRYPTION_KEYS";

    public const int KeyBytes = 32;

    private readonly Dictionary<byte, byte[]> _keys;

    public StoreKeyRing(IReadOnlyDictionary<byte, byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("a key ring needs at least one key", nameof(keys));
        }

        foreach (var (id, key) in keys)
        {
            if (id == 0 || key.Length != KeyBytes)
            {
                throw new ArgumentException($"encryption key {id}: ids are 1..255 and keys {KeyBytes} bytes (this one has {key.Length})", nameof(keys));
            }
        }

        _keys = keys.ToDictionary(k => k.Key, k => k.Value.ToArray());
        Primary = _keys.Keys.Max();
    }

    /// <summary>The id of the key that encrypts new values.</summary>
    public byte Primary { get; }

    public IEnumerable<byte> Ids => _keys.Keys.Order();

    public byte[] Key(byte id) => _keys.TryGetValue(id, out var key)
        ? key
        : throw new InvalidDataException($"a value is encrypted under key {id}, which the key ring does not hold (it holds {string.Join(", ", Ids)})");

    /// <summary>A check value of key <paramref name="id"/>: tells a wrong key from the right one without revealing it.</summary>
    public string CheckValue(byte id) => Convert.ToHexStringLower(HMACSHA256.HashData(Key(id), "persona-key-check"u8)[..8]);

    /// <summary>Parses <c>ID:BASE64</c> entries, one per line or separated by commas.</summary>
    public static StoreKeyRing Parse(string text, string where)
    {
        ArgumentNullException.ThrowIfNull(text);
        var keys = new Dictionary<byte, byte[]>();
        foreach (var raw in text.Split(['\n', ',']))
        {
            var entry = raw.Split('#', 2)[0].Trim();
            if (entry.Length == 0)
            {
                continue;
            }

            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !byte.TryParse(entry.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id == 0)
            {
                throw new ArgumentException($"{where}: an entry is not ID:BASE64 with an id in 1..255");
            }

            byte[] key;
            try
            {
                key = Convert.FromBase64String(entry[(colon + 1)..]);
            }
            catch (FormatException)
            {
                throw new ArgumentException($"{where}: key {id} is not base64");
            }

            if (!keys.TryAdd(id, key))
            {
                throw new ArgumentException($"{where}: key {id} is given twice");
            }
        }

        return keys.Count == 0 ? throw new ArgumentException($"{where}: no key") : new StoreKeyRing(keys);
    }

    /// <summary>Reads a key ring from a file (which should be readable by its owner only).</summary>
    public static StoreKeyRing FromFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>A new key entry, <c>ID:BASE64</c>, for a key file.</summary>
    public static string NewEntry(byte id) => string.Create(CultureInfo.InvariantCulture, $"{id}:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes))}");
}
