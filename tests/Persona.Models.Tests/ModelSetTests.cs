using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Views;
using Persona.Models.Artifacts;
using Persona.Models.Collaborative;
using Persona.Models.Sequence;
using Persona.Models.Serving;
using Persona.Models.Serving.Kinds;

namespace Persona.Models.Tests;

public sealed class ModelSetTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("persona-set-").FullName;

    [Fact]
    public void Names_Registry_TheServedKindsInPredictionOrder()
    {
        Assert.Equal(["interest-mlp", "churn-mlp", "propensity-mlp", "sequence", "sentiment"], ModelKinds.Names);
    }

    [Fact]
    public void Require_UnknownKind_RefusedNamingTheServedKinds()
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelKinds.Require("vae"));
        Assert.StartsWith("unknown model kind 'vae'; the kinds served are interest-mlp, churn-mlp, propensity-mlp, sequence", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void New_ModelOfAKindNotServed_Refused()
    {
        var vae = VaeTrainer.Train([[0, 1, 2], [1, 2, 3], [4, 5, 6], [5, 6, 7]], 8, new VaeOptions { Hidden = 8, Latent = 4, MaxEpochs = 1, Threads = 1 }).Model;
        ItemModelArtifact.Save(_folder, vae, [.. "abcdefgh".Select(c => c.ToString())], Metadata());
        var loaded = ItemModelArtifact.Load(_folder, ItemModelArtifact.VaeKind);
        Assert.Throws<ArgumentException>(() => new ModelSet(1, [loaded]));
    }

    [Fact]
    public void Predict_SequenceModelAlone_ItsEmbeddingAndVersionOnly()
    {
        string[] items = [.. Enumerable.Range(0, 12).Select(i => $"item-{i}")];
        ItemModelArtifact.Save(_folder, Encoder(), items, ["interaction"], Metadata());
        var model = (ItemModelArtifact)ModelKinds.Require(ItemModelArtifact.SequenceKind).Load(_folder, new EngineConfig());
        var set = new ModelSet(7, [model]);
        RecentItemView[] recent = [new("item-3", "view", DateTimeOffset.UnixEpoch.AddMinutes(2)), new("item-1", "view", DateTimeOffset.UnixEpoch.AddMinutes(1))];

        var inputs = set.Capture(new ProfileState("u"), new CatalogIndex(), 0);
        var view = set.Predict(inputs, recent);

        Assert.Empty(inputs.Features);
        Assert.Same(model, set.Find<ItemModelArtifact>(ItemModelArtifact.SequenceKind));
        Assert.Null(set.Find(FeatureModelArtifact.ChurnKind));
        Assert.Equal(new Dictionary<string, string> { ["sequence"] = model.Metadata.Version }, view.Models);
        Assert.Equal(SequenceModelKind.Embed(model, recent), view.Embedding);
        Assert.Null(view.PredictedInterests);
        Assert.Null(view.ChurnRisk);
        Assert.Null(view.PurchasePropensity);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SequenceEncoder Encoder()
    {
        var corpus = new SequenceCorpus([.. Enumerable.Range(0, 40).Select(u => Enumerable.Range(0, 5).Select(k => (u + k) % 12).ToArray())], null, 12, null, 0, 1);
        return SequenceTrainer.Train(corpus, new SequenceModelOptions { Dimension = 8, Blocks = 1, MaxEpochs = 1, Threads = 1 }).SelfAttentive;
    }

    private static ModelMetadata Metadata() => TestMetadata.Item(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
}
