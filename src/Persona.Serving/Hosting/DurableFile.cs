namespace Persona.Serving.Hosting;

/// <summary>
/// Small files of the data directory written whole or not at all: the content goes to a temporary file beside
/// the target, is synced, and is moved over the target, so a crash leaves the old file or the new one, never a part.
/// </summary>
public static class DurableFile
{
    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes; readable by its owner only when <paramref name="ownerOnly"/>.</summary>
    public static void Replace(string path, Action<Stream> write, bool ownerOnly = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temporary = WriteBeside(path, write, ownerOnly);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Creates <paramref name="path"/> with what <paramref name="write"/> writes unless it exists; false when it did (or
    /// another process made it first), in which case the existing file stands.
    /// </summary>
    public static bool CreateNew(string path, Action<Stream> write, bool ownerOnly = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (File.Exists(path))
        {
            return false;
        }

        var temporary = WriteBeside(path, write, ownerOnly);
        try
        {
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return false;
        }
    }

    private static string WriteBeside(string path, Action<Stream> write, bool ownerOnly)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        write(stream);
        stream.Flush(flushToDisk: true);
        return temporary;
    }
}
