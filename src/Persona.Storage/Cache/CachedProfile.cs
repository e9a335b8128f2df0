using System.Buffers;
using System.Runtime.InteropServices;
using Persona.Core.Serialization;
using Persona.Storage.Backend;

namespace Persona.Storage.Cache;

/// <summary>
/// One user's entry in the profile cache. The profile is kept encoded (<see cref="ProfileCodec"/>) in
/// native memory rather than as objects on the collected heap: a cache of a million profiles then costs
/// the collector nothing to trace or promote (long-lived, growing profiles on the heap were what made
/// young collections long), and it takes a third of the memory. A batch decodes the profiles it touches,
/// applies its events and publishes the new encodings.
/// </summary>
/// <remarks>
/// The encoding is read and replaced under the entry's lock, so that a reader never sees freed memory;
/// readers decode a private copy and never see a batch half-applied.
/// </remarks>
internal sealed unsafe class CachedProfile : IEncodedProfile
{
    private byte* _encoded;
    private int _length;
    private bool _freed;

    public CachedProfile(string userId)
    {
        UserId = userId;
    }

    public string UserId { get; }

    public long LastAccess { get; set; }

    /// <summary>Changed since the last checkpoint started.</summary>
    public bool Dirty { get; set; }

    /// <summary>Log position of the user's newest logged event (the chain head); written only under the store's write lock.</summary>
    public long LastLoggedSeq { get; set; }

    /// <summary>
    /// Where the batch being applied keeps this profile decoded: the batch's number in the high 32 bits and
    /// the index of the decoded state in its partition's list in the low 32. A number rather than a
    /// reference to the decoded state, so that marking an old entry does not dirty the collector's card
    /// table (each dirty card is scanned by the next young collection).
    /// </summary>
    public long BatchMark { get; set; }

    /// <summary>Bytes of the current encoding (0 for a profile never published).</summary>
    public int EncodedLength => _length;

    /// <summary>
    /// Runs <paramref name="read"/> over the encoding, under the entry's lock (e.g. decoding a private copy);
    /// false for a user whose first batch is not published yet, or after eviction (<paramref name="evicted"/>).
    /// </summary>
    public bool TryRead<T>(Func<ReadOnlySpan<byte>, T> read, out T value, out bool evicted)
    {
        lock (this)
        {
            evicted = _freed;
            value = _encoded is null ? default! : read(new ReadOnlySpan<byte>(_encoded, _length));
            return _encoded is not null;
        }
    }

    /// <summary>Replaces the encoding with a copy of <paramref name="encoded"/>; returns the change in bytes held.</summary>
    public int Publish(ReadOnlySpan<byte> encoded)
    {
        var copy = (byte*)NativeMemory.Alloc((nuint)Math.Max(1, encoded.Length));
        encoded.CopyTo(new Span<byte>(copy, encoded.Length));
        byte* old;
        int oldLength;
        lock (this)
        {
            if (_freed)
            {
                NativeMemory.Free(copy);
                throw new InvalidOperationException($"the profile of '{UserId}' was evicted while in use");
            }

            old = _encoded;
            oldLength = _length;
            _encoded = copy;
            _length = encoded.Length;
        }

        NativeMemory.Free(old);
        return encoded.Length - oldLength;
    }

    public bool WriteTo<TState>(TState state, ReadOnlySpanAction<byte, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        lock (this)
        {
            if (_encoded is null)
            {
                return false;
            }

            write(new ReadOnlySpan<byte>(_encoded, _length), state);
            return true;
        }
    }

    /// <summary>Releases the encoding (eviction, disposal); later decodes report the entry as evicted. Returns the bytes released.</summary>
    public int Free()
    {
        lock (this)
        {
            var released = _length;
            NativeMemory.Free(_encoded);
            _encoded = null;
            _length = 0;
            _freed = true;
            return released;
        }
    }
}
