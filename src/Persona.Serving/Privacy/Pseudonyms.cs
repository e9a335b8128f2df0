using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Persona.Serving.Hosting;

namespace Persona.Serving.Privacy;

/// <summary>
/// Keyed pseudonyms of user ids: <c>p_</c> and the first 128 bits of HMAC-SHA256(key, UTF-8 id), base64url. Logs
/// that need to tell users apart but not know who they are (impressions, experiment outcomes) hold these: without
/// the key, a pseudonym cannot be traced back to an id, nor an id forward to its pseudonym. The key is 256 random
/// bits kept beside the data (<c>pseudonym.key</c>, mode 0600; in a cluster, in Redis), so one shop's pseudonyms
/// agree across restarts and nodes; deleting the key unlinks every pseudonym ever written.
/// </summary>
public sealed class Pseudonyms
{
    /// <summary>The key file in a data directory.</summary>
    public const string KeyFile = "pseudonym.key";

    private const int KeyBytes = 32;
    private readonly byte[] _key;

    public Pseudonyms(ReadOnlySpan<byte> key)
    {
        if (key.Length < KeyBytes)
        {
            throw new ArgumentException($"a pseudonym key has at least {KeyBytes} bytes; this one has {key.Length}", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>A fresh random key.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyBytes);

    /// <summary>The pseudonyms keyed by <c>pseudonym.key</c> in <paramref name="directory"/>, which is created (mode 0600) when missing.</summary>
    public static Pseudonyms FromDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, KeyFile);
        DurableFile.CreateNew(path, stream => stream.Write(NewKey()), ownerOnly: true); // another process may have made it first: theirs is the key
        return new Pseudonyms(File.ReadAllBytes(path));
    }

    /// <summary>The pseudonym of <paramref name="userId"/>.</summary>
    public string Of(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var max = Encoding.UTF8.GetMaxByteCount(userId.Length);
        var bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(userId, bytes);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, bytes[..length], mac);
        return "p_" + Base64Url.EncodeToString(mac[..16]);
    }
}
