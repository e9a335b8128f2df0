using Persona.Models.Artifacts;
using Persona.Models.Collaborative;
using Persona.Models.Sequence;

namespace Persona.Models.Tests;

public sealed class ItemModelArtifactTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("persona-items-").FullName;

    [Fact]
    public void SaveLoad_Sequence_RoundTripsWeightsIdsAndVersion()
    {
        var encoder = Encoder();
        string[] items = [.. Enumerable.Range(0, 12).Select(i => $"item-{i}")];
        var saved = ItemModelArtifact.Save(_folder, encoder, items, ["interaction"], Metadata());
        var loaded = ItemModelArtifact.Load(_folder);
        Assert.Equal(saved, loaded.Metadata with { FeatureNames = saved.FeatureNames, Labels = saved.Labels, Options = saved.Options, Metrics = saved.Metrics });
        Assert.StartsWith("sequence-", saved.Version, StringComparison.Ordinal);
        Assert.Equal(12, saved.ItemCount);
        Assert.Equal(ItemModelArtifact.VocabularyHash("sequence", items, ["interaction"]), saved.FeatureSchemaHash);
        Assert.Equal(encoder.Encode([1, 2], [0, 0]), loaded.Sequence!.Encode([1, 2], [0, 0]));
        Assert.Equal(7, loaded.IndexOf("item-7"));
    }

    [Fact]
    public void Load_ItemsChangedOrKindWrong_RefusedWithTheReason()
    {
        ItemModelArtifact.Save(_folder, Encoder(), [.. Enumerable.Range(0, 12).Select(i => $"item-{i}")], ["interaction"], Metadata());
        Assert.EndsWith("a sequence model, not vae", Assert.Throws<InvalidDataException>(() => ItemModelArtifact.Load(_folder, ItemModelArtifact.VaeKind)).Message, StringComparison.Ordinal);
        var items = Path.Combine(_folder, ItemModelArtifact.ItemsFile);
        File.WriteAllText(items, File.ReadAllText(items).Replace("item-3\n", "item-x\n", StringComparison.Ordinal));
        Assert.Contains("items.txt hashes to", Assert.Throws<InvalidDataException>(() => ItemModelArtifact.Load(_folder)).Message, StringComparison.Ordinal);
        File.Delete(items);
        Assert.EndsWith("no items.txt", Assert.Throws<InvalidDataException>(() => ItemModelArtifact.Load(_folder)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_IdsDoNotFitTheModel_Throws()
    {
        Assert.Throws<ArgumentException>(() => ItemModelArtifact.Save(_folder, Encoder(), ["a", "b"], ["interaction"], Metadata()));
        Assert.Throws<ArgumentException>(() => ItemModelArtifact.Save(_folder, Encoder(), [.. Enumerable.Range(0, 11).Select(i => $"{i}"), "bad\nid"], ["interaction"], Metadata()));
    }

    [Fact]
    public void SaveLoad_Vae_RoundTrips()
    {
        var vae = VaeTrainer.Train([[0, 1, 2], [1, 2, 3], [4, 5, 6], [5, 6, 7]], 8, new VaeOptions { Hidden = 8, Latent = 4, MaxEpochs = 2, Threads = 1 }).Model;
        ItemModelArtifact.Save(_folder, vae, [.. "abcdefgh".Select(c => c.ToString())], Metadata());
        var loaded = ItemModelArtifact.Load(_folder, ItemModelArtifact.VaeKind);
        Assert.Equal(vae.Encode([1, 2]), loaded.Vae!.Encode([1, 2]));
        Assert.Empty(loaded.Types);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SequenceEncoder Encoder()
    {
        var corpus = new SequenceCorpus([.. Enumerable.Range(0, 40).Select(u => Enumerable.Range(0, 5).Select(k => (u + k) % 12).ToArray())], null, 12, null, 0, 1);
        return SequenceTrainer.Train(corpus, new SequenceModelOptions { Dimension = 8, Blocks = 1, MaxEpochs = 1, Threads = 1 }).SelfAttentive;
    }

    private static ModelMetadata Metadata() => TestMetadata.Item(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
}
