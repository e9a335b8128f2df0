using System.Text.Json;
using Persona.Models.Artifacts;

namespace Persona.Models.Registry;

/// <summary>
/// Versioned model artifacts on disk, one slot per kind: <c>{root}/{kind}/{version}/</c> holds a model
/// folder (<see cref="ModelFolder"/>) and <c>{root}/{kind}/active.json</c> names the version a service
/// serves and the ones it replaced, newest first, for <see cref="Rollback"/>. Every change of
/// <c>active.json</c> is written through a temporary file and renamed, so a reader sees the old pointer or
/// the new one, never half of either. A service watches the pointers and swaps models in place.
/// </summary>
public sealed class ModelRegistry
{
    public const string ActiveFile = "active.json";

    public ModelRegistry(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    /// <summary>Copies a trained model folder into the registry (under its kind and version); promotes it when asked.</summary>
    public ModelMetadata Add(string modelFolder, bool promote = false)
    {
        var metadata = ModelFolder.ReadMetadata(modelFolder);
        ModelFolder.ReadWeights(modelFolder, metadata); // refuse a damaged folder before copying it
        var target = VersionFolder(metadata.Kind, metadata.Version);
        if (Directory.Exists(target))
        {
            throw new InvalidOperationException($"registry: {metadata.Version} is already registered");
        }

        var staging = target + ".staging";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        foreach (var file in Directory.EnumerateFiles(modelFolder).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
        }

        Directory.Move(staging, target);
        if (promote)
        {
            Promote(metadata.Kind, metadata.Version);
        }

        return metadata;
    }

    /// <summary>Every registered version of every kind, newest first within a kind, with which one is active.</summary>
    public IReadOnlyList<RegisteredModel> List()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        var list = new List<RegisteredModel>();
        foreach (var kindFolder in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
        {
            var kind = Path.GetFileName(kindFolder);
            string? activeVersion;
            try
            {
                activeVersion = ReadPointer(kind).Version;
            }
            catch (InvalidDataException)
            {
                activeVersion = null; // a damaged pointer: the kind's versions are still listed, none as active
            }

            foreach (var folder in Directory.EnumerateDirectories(kindFolder).Where(f => !f.EndsWith(".staging", StringComparison.Ordinal)))
            {
                ModelMetadata metadata;
                try
                {
                    metadata = ModelFolder.ReadMetadata(folder, kind);
                }
                catch (InvalidDataException)
                {
                    continue; // not a model folder
                }

                list.Add(new RegisteredModel(metadata, folder, metadata.Version == activeVersion));
            }
        }

        return [.. list.OrderBy(m => m.Metadata.Kind, StringComparer.Ordinal).ThenByDescending(m => m.Metadata.CreatedAt).ThenBy(m => m.Metadata.Version, StringComparer.Ordinal)];
    }

    /// <summary>The folder of the active version of <paramref name="kind"/>, or null when none is active.</summary>
    public string? ActiveFolder(string kind) => ReadPointer(kind).Version is { } version ? VersionFolder(kind, version) : null;


    /// <summary>The active version of <paramref name="kind"/>, or null.</summary>
    public string? Active(string kind) => ReadPointer(kind).Version;

    /// <summary>Makes <paramref name="version"/> the active one of its kind; the previous one can be rolled back to.</summary>
    public void Promote(string kind, string version)
    {
        if (!Exists(kind, version))
        {
            throw new InvalidOperationException($"registry: no {kind} version {version} (persona models list shows the versions)");
        }

        using var exclusive = Lock(kind);
        var pointer = ReadPointer(kind);
        if (pointer.Version == version)
        {
            return;
        }

        WritePointer(kind, new ActivePointer(version, pointer.Version is { } previous ? [previous, .. pointer.Previous.Where(p => p != version)] : [.. pointer.Previous.Where(p => p != version)]));
    }

    /// <summary>Makes the previously active version active again; returns it.</summary>
    public string Rollback(string kind)
    {
        using var exclusive = Lock(kind);
        var pointer = ReadPointer(kind);
        var earlier = pointer.Previous.Where(v => Exists(kind, v)).ToList(); // versions deleted by hand are skipped
        if (earlier.Count == 0)
        {
            throw new InvalidOperationException($"registry: no earlier {kind} version to roll back to");
        }

        WritePointer(kind, new ActivePointer(earlier[0], [.. earlier.Skip(1)]));
        return earlier[0];
    }

    private bool Exists(string kind, string version) => File.Exists(Path.Combine(VersionFolder(kind, version), ModelFolder.MetadataFile));

    /// <summary>Holds the kind's lock file while a pointer is read, changed and written (other processes wait up to 10 s).</summary>
    private FileStream Lock(string kind)
    {
        var path = Path.Combine(Root, kind, "active.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 200)
            {
                Thread.Sleep(50);
            }
        }
    }

    /// <summary>Where version <paramref name="version"/> of <paramref name="kind"/> lives (refuses names that would leave the registry).</summary>
    public string VersionFolder(string kind, string version)
    {
        static bool Bad(string name) => name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal);
        if (Bad(kind) || Bad(version))
        {
            throw new ArgumentException($"registry: '{kind}/{version}' is not a kind and version");
        }

        return Path.Combine(Root, kind, version);
    }

    private ActivePointer ReadPointer(string kind)
    {
        var path = Path.Combine(Root, kind, ActiveFile);
        if (!File.Exists(path))
        {
            return new ActivePointer(null, []);
        }

        try
        {
            return JsonSerializer.Deserialize<ActivePointer>(File.ReadAllBytes(path), ModelFolder.JsonOptions) ?? new ActivePointer(null, []);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"registry: {path} is not valid ({ex.Message})", ex);
        }
    }

    private void WritePointer(string kind, ActivePointer pointer)
    {
        var path = Path.Combine(Root, kind, ActiveFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(pointer, ModelFolder.JsonOptions));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private sealed record ActivePointer(string? Version, IReadOnlyList<string> Previous);
}

/// <summary>A registered model version: its metadata, its folder, and whether its kind serves it now.</summary>
public sealed record RegisteredModel(ModelMetadata Metadata, string Folder, bool Active);
