using System.Buffers;

namespace Persona.Storage.Backend;

/// <summary>A profile held by the store, as a checkpoint hands it to a backend: its user and its current encoding.</summary>
public interface IEncodedProfile
{
    string UserId { get; }

    /// <summary>
    /// Runs <paramref name="write"/> over the current encoding while it cannot change or be freed; false (and
    /// nothing run) when the profile has no encoding.
    /// </summary>
    bool WriteTo<TState>(TState state, ReadOnlySpanAction<byte, TState> write);
}
