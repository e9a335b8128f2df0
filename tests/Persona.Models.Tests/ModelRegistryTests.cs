using Persona.Models.Artifacts;
using Persona.Models.Registry;

namespace Persona.Models.Tests;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("persona-registry-").FullName;

    [Fact]
    public void AddPromoteRollback_TracksTheActiveVersionAndItsPredecessors()
    {
        var registry = new ModelRegistry(Path.Combine(_root, "models"));
        Assert.Empty(registry.List());
        var a = registry.Add(Folder("a", 1));
        Assert.Null(registry.Active("sequence")); // added, not promoted
        registry.Promote("sequence", a.Version);
        var b = registry.Add(Folder("b", 2), promote: true);
        var c = registry.Add(Folder("c", 3), promote: true);
        Assert.Equal(c.Version, registry.Active("sequence"));
        Assert.Equal([c.Version, b.Version, a.Version], registry.List().Select(m => m.Metadata.Version));
        Assert.Equal([true, false, false], registry.List().Select(m => m.Active));

        Assert.Equal(b.Version, registry.Rollback("sequence"));
        Assert.Equal(a.Version, registry.Rollback("sequence"));
        var error = Assert.Throws<InvalidOperationException>(() => registry.Rollback("sequence"));
        Assert.Equal("registry: no earlier sequence version to roll back to", error.Message);

        registry.Promote("sequence", c.Version); // a is remembered again
        Assert.Equal(a.Version, registry.Rollback("sequence"));
        Assert.Equal(Path.Combine(registry.Root, "sequence", a.Version), registry.ActiveFolder("sequence"));

        // A version deleted by hand is skipped on the way back.
        registry.Promote("sequence", b.Version);
        registry.Promote("sequence", c.Version); // history: b, a
        Directory.Delete(Path.Combine(registry.Root, "sequence", b.Version), recursive: true);
        Assert.Equal(a.Version, registry.Rollback("sequence"));
        Assert.Throws<ArgumentException>(() => registry.VersionFolder("sequence", ".."));
        Assert.Throws<ArgumentException>(() => registry.VersionFolder("sequence", "a\\b"));
    }

    [Fact]
    public void AddAndPromote_BadInput_RefusedWithTheCause()
    {
        var registry = new ModelRegistry(Path.Combine(_root, "models"));
        var folder = Folder("a", 1);
        var a = registry.Add(folder);
        Assert.Contains("is already registered", Assert.Throws<InvalidOperationException>(() => registry.Add(folder)).Message, StringComparison.Ordinal);
        Assert.Contains("no sequence version nope", Assert.Throws<InvalidOperationException>(() => registry.Promote("sequence", "nope")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => registry.Promote("sequence", "../x"));
        File.WriteAllBytes(Path.Combine(folder, ModelFolder.WeightsFile), [1, 2, 3]);
        var copy = Path.Combine(_root, "copy");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.EnumerateFiles(folder))
        {
            File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        }

        Assert.EndsWith("weights.bin does not match its hash", Assert.Throws<InvalidDataException>(() => registry.Add(copy)).Message, StringComparison.Ordinal);
        Assert.Single(registry.List());
        File.WriteAllText(Path.Combine(registry.Root, "sequence", ModelRegistry.ActiveFile), "{");
        Assert.Throws<InvalidDataException>(() => registry.Active("sequence"));
        Assert.NotNull(a);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A tiny sequence model folder; <paramref name="seed"/> makes its weights (and so its version) distinct.</summary>
    private string Folder(string name, int seed)
    {
        var folder = Path.Combine(_root, "trained", name);
        var rng = new Random(seed);
        float[] R(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble())];
        const int d = 4;
        var block = new Sequence.SequenceEncoder.Block(R(d), R(d), R(d * d), R(d), R(d * d), R(d), R(d * d), R(d), R(d * d), R(d), R(d), R(d), R(d * d), R(d), R(d * d), R(d));
        var encoder = new Sequence.SequenceEncoder(d, 1, 5, 2, 1, R(3 * d), R(d), R(5 * d), [block], R(d), R(d));
        ItemModelArtifact.Save(folder, encoder, ["x", "y"], ["interaction"], TestMetadata.Item(new DateTimeOffset(2026, 12, 2, 8, seed, 0, TimeSpan.Zero), seed));
        return folder;
    }
}
