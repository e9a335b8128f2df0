using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Persona.Server.Apis;

/// <summary>
/// Reads a request body up to the configured limit into a buffer rented from the shared pool: ingest
/// bodies are hundreds of kilobytes, and a fresh array per request would land on the large object heap
/// and bring on full collections (pauses that every profile read would feel). The buffer grows with what
/// actually arrives: a client's <c>Content-Length</c> is a claim, and a client that claims megabytes and
/// sends nothing holds no more than <see cref="InitialBytes"/>.
/// </summary>
internal static class BodyReader
{
    /// <summary>The most a body's buffer starts with, whatever length the client announces.</summary>
    public const int InitialBytes = (64 * 1024) - 1;

    /// <summary>The body (dispose it to return the buffer), or null when it exceeds <paramref name="limit"/> bytes.</summary>
    public static async Task<PooledBody?> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var feature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = null; // enforced below, to answer with problem+json
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Clamp(request.ContentLength ?? InitialBytes, 1, InitialBytes), limit) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        return new PooledBody(buffer, length);
    }

    /// <summary>A request body in a rented buffer.</summary>
    internal sealed class PooledBody(byte[] buffer, int length) : IDisposable
    {
        private byte[]? _buffer = buffer;

        /// <summary>The size of the buffer holding the body.</summary>
        public int Capacity => _buffer?.Length ?? 0;

        public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBody))).AsMemory(0, length);

        public void Dispose()
        {
            if (_buffer is { } b)
            {
                _buffer = null;
                ArrayPool<byte>.Shared.Return(b);
            }
        }
    }
}
