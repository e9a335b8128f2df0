namespace Persona.Storage.Tests.InMemory;

/// <summary>
/// The simulated disk of an in-memory backend, which outlives the backends opened on it: the image that survives
/// a loss of power, and the writes since the last durable point, in order, that do not (yet). A durable commit or
/// a sync moves every pending write onto the image; a crash keeps a prefix of them and stops the open backend.
/// </summary>
internal sealed class MemoryDisk
{
    private readonly List<Action<MemoryImage>> _pending = [];
    private readonly MemoryImage _image = new();
    private int _generation;

    /// <summary>Held by every operation of a backend on this disk, so that a crash falls between two of them.</summary>
    public Lock Lock { get; } = new();

    /// <summary>A backend's starting state (a copy of the image) and the generation that keeps it alive.</summary>
    public (MemoryImage Live, int Generation) Open()
    {
        lock (Lock)
        {
            return (_image.Clone(), _generation);
        }
    }

    /// <summary>Throws unless the backend of <paramref name="generation"/> is still up. Under <see cref="Lock"/>.</summary>
    public void ThrowIfDown(int generation)
    {
        if (generation != _generation)
        {
            throw new IOException("the backend is down: the machine crashed or it was closed");
        }
    }

    /// <summary>A write that reaches the image at the next durable point. Under <see cref="Lock"/>.</summary>
    public void Append(Action<MemoryImage> write) => _pending.Add(write);

    /// <summary>Makes every pending write durable. Under <see cref="Lock"/>.</summary>
    public void Flush()
    {
        foreach (var write in _pending)
        {
            write(_image);
        }

        _pending.Clear();
    }

    /// <summary>A loss of power: the first <paramref name="keep"/> fraction of the pending writes reaches the image, the rest is lost.</summary>
    public void Crash(double keep)
    {
        lock (Lock)
        {
            var kept = (int)(keep * _pending.Count);
            foreach (var write in _pending.Take(kept))
            {
                write(_image);
            }

            _pending.Clear();
            _generation++;
        }
    }

    /// <summary>A clean close: what the backend wrote reaches the image (as an operating system would write it out).</summary>
    public void Close(int generation)
    {
        lock (Lock)
        {
            if (generation == _generation)
            {
                Flush();
                _generation++;
            }
        }
    }
}
