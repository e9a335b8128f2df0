using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Persona.Storage.Encryption;

/// <summary>
/// AES-256-GCM over single stored values: <c>[0xE1][key id][12-byte nonce][ciphertext][16-byte tag]</c>, 30 bytes
/// more than the value. The associated data is where the value lives (its family and key), so a value moved to
/// another key or family fails to decrypt instead of being read as that key's. Nonces are a random 4-byte prefix
/// drawn at open and a 64-bit counter: unique for this key as long as no two opens draw the same prefix while the
/// key is in use (one chance in 2^32 per pair of opens), which is one more reason to rotate keys. Sealed by
/// libsodium's AES-256-GCM where the processor has AES-NI and carry-less multiply (0.23 µs for a 120-byte value
/// here, against 1.8 µs for .NET's <see cref="AesGcm"/>, whose per-call setup dominates small values), else by
/// <see cref="AesGcm"/>; the two write the same bytes. Safe for concurrent use.
/// </summary>
internal sealed class ValueCipher : IDisposable
{
    public const byte Marker = 0xE1;
    public const int Overhead = 2 + NonceBytes + TagBytes;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly StoreKeyRing _ring;
    private readonly Dictionary<byte, Key>? _sodium;
    private readonly ThreadLocal<Dictionary<byte, AesGcm>> _aes;
    private readonly uint _prefix = BinaryPrimitives.ReadUInt32LittleEndian(RandomNumberGenerator.GetBytes(4));
    private long _counter;

    public ValueCipher(StoreKeyRing ring)
    {
        _ring = ring;
        _aes = new ThreadLocal<Dictionary<byte, AesGcm>>(() => [], trackAllValues: true);
        if (Aes256Gcm.IsSupported)
        {
            _sodium = ring.Ids.ToDictionary(id => id, id => Key.Import(AeadAlgorithm.Aes256Gcm, ring.Key(id), KeyBlobFormat.RawSymmetricKey));
        }
    }

    public byte[] Encrypt(ReadOnlySpan<byte> plain, ReadOnlySpan<byte> where)
    {
        var output = new byte[plain.Length + Overhead];
        Encrypt(plain, where, output);
        return output;
    }

    /// <summary>Seals <paramref name="plain"/> into the first <c>plain.Length + </c><see cref="Overhead"/> bytes of <paramref name="output"/>.</summary>
    public void Encrypt(ReadOnlySpan<byte> plain, ReadOnlySpan<byte> where, Span<byte> output)
    {
        output = output[..(plain.Length + Overhead)];
        var id = _ring.Primary;
        output[0] = Marker;
        output[1] = id;
        var nonce = output.Slice(2, NonceBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(nonce, _prefix);
        BinaryPrimitives.WriteInt64LittleEndian(nonce[4..], Interlocked.Increment(ref _counter));
        if (_sodium is not null)
        {
            AeadAlgorithm.Aes256Gcm.Encrypt(_sodium[id], nonce, where, plain, output[(2 + NonceBytes)..]);
        }
        else
        {
            Aes(id).Encrypt(nonce, plain, output.Slice(2 + NonceBytes, plain.Length), output.Slice(2 + NonceBytes + plain.Length, TagBytes), where);
        }
    }

    /// <summary>The plaintext length of an encrypted value.</summary>
    public static int PlainLength(ReadOnlySpan<byte> sealedValue) => sealedValue.Length - Overhead;

    /// <summary>Decrypts into <paramref name="plain"/> (of <see cref="PlainLength"/> bytes); throws when the value was not written here, by this key, or was changed.</summary>
    public void Decrypt(ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> where, Span<byte> plain)
    {
        if (sealedValue.Length < Overhead || sealedValue[0] != Marker)
        {
            throw new InvalidDataException("a stored value is not encrypted (the store was written without encryption, or is damaged)");
        }

        var length = sealedValue.Length - Overhead;
        if (_sodium is not null)
        {
            if (!_sodium.TryGetValue(sealedValue[1], out var key))
            {
                _ = _ring.Key(sealedValue[1]); // throws, naming the missing key
            }

            if (!AeadAlgorithm.Aes256Gcm.Decrypt(key!, sealedValue.Slice(2, NonceBytes), where, sealedValue[(2 + NonceBytes)..], plain[..length]))
            {
                throw new InvalidDataException($"a stored value failed authentication under key {sealedValue[1]}: a wrong key, or the value was changed or moved");
            }

            return;
        }

        try
        {
            Aes(sealedValue[1]).Decrypt(sealedValue.Slice(2, NonceBytes), sealedValue.Slice(2 + NonceBytes, length), sealedValue.Slice(2 + NonceBytes + length, TagBytes), plain[..length], where);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new InvalidDataException($"a stored value failed authentication under key {sealedValue[1]}: a wrong key, or the value was changed or moved", ex);
        }
    }

    public byte[] Decrypt(ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> where)
    {
        var plain = new byte[Math.Max(0, PlainLength(sealedValue))];
        Decrypt(sealedValue, where, plain);
        return plain;
    }

    public void Dispose()
    {
        foreach (var key in _sodium?.Values ?? Enumerable.Empty<Key>())
        {
            key.Dispose();
        }

        foreach (var perThread in _aes.Values)
        {
            foreach (var aes in perThread.Values)
            {
                aes.Dispose();
            }
        }

        _aes.Dispose();
    }

    private AesGcm Aes(byte id)
    {
        var mine = _aes.Value!;
        if (!mine.TryGetValue(id, out var aes))
        {
            aes = new AesGcm(_ring.Key(id), TagBytes);
            mine[id] = aes;
        }

        return aes;
    }
}
