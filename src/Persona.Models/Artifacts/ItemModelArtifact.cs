using System.Security.Cryptography;
using System.Text;
using Persona.Models.Collaborative;
using Persona.Models.Sequence;

namespace Persona.Models.Artifacts;

/// <summary>
/// A trained model over item ids on disk (<see cref="ModelFolder"/>): the sequence model
/// (<see cref="SequenceEncoder"/>) or the collaborative VAE (<see cref="CollaborativeVae"/>), with
/// <c>items.txt</c>, the external item id of each model row, one per line. The metadata's schema hash is
/// the hash of that vocabulary (and, for the sequence model, its event types), so a model whose ids do not
/// match its weights is refused.
/// </summary>
public sealed class ItemModelArtifact : IModelArtifact
{
    public const string SequenceKind = "sequence";
    public const string VaeKind = "vae";
    public const string ItemsFile = "items.txt";
    public const string TypesFile = "types.txt";

    private readonly Dictionary<string, int> _index;

    private ItemModelArtifact(ModelMetadata metadata, IReadOnlyList<string> items, IReadOnlyList<string> types, SequenceEncoder? sequence, CollaborativeVae? vae)
    {
        Metadata = metadata;
        Items = items;
        Types = types;
        Sequence = sequence;
        Vae = vae;
        _index = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            _index.TryAdd(items[i], i);
        }
    }

    public ModelMetadata Metadata { get; }

    /// <summary>External item id of each model row.</summary>
    public IReadOnlyList<string> Items { get; }

    /// <summary>Event type names of the sequence model's type rows (empty for the VAE).</summary>
    public IReadOnlyList<string> Types { get; }

    public SequenceEncoder? Sequence { get; }

    public CollaborativeVae? Vae { get; }

    /// <summary>The model row of an external item id, or −1 for an item the model has not seen.</summary>
    public int IndexOf(string itemId) => _index.GetValueOrDefault(itemId, -1);

    /// <summary>The vocabulary hash: 16 hex digits of SHA-256 over the kind, the item ids and the type names.</summary>
    public static string VocabularyHash(string kind, IReadOnlyList<string> items, IReadOnlyList<string> types)
    {
        var text = new StringBuilder().Append("persona-items ").Append(kind).Append('\n');
        foreach (var item in items)
        {
            text.Append(item).Append('\n');
        }

        text.Append("types\n");
        foreach (var type in types)
        {
            text.Append(type).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    public static ModelMetadata Save(string folder, SequenceEncoder model, IReadOnlyList<string> items, IReadOnlyList<string> types, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (items.Count != model.ItemCount || types.Count != model.TypeCount)
        {
            throw new ArgumentException($"sequence model: {items.Count} item ids and {types.Count} types for {model.ItemCount} items and {model.TypeCount} types");
        }

        using var weights = new MemoryStream();
        model.Save(weights);
        return Write(folder, weights.ToArray(), items, types, metadata with { Kind = SequenceKind });
    }

    public static ModelMetadata Save(string folder, CollaborativeVae model, IReadOnlyList<string> items, ModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (items.Count != model.ItemCount)
        {
            throw new ArgumentException($"vae: {items.Count} item ids for {model.ItemCount} items");
        }

        using var weights = new MemoryStream();
        model.Save(weights);
        return Write(folder, weights.ToArray(), items, [], metadata with { Kind = VaeKind });
    }

    public static ItemModelArtifact Load(string folder, params string[] kinds)
    {
        var metadata = ModelFolder.ReadMetadata(folder, kinds.Length > 0 ? kinds : [SequenceKind, VaeKind]);
        var items = Lines(folder, ItemsFile, metadata);
        var types = metadata.Kind == SequenceKind ? Lines(folder, TypesFile, metadata) : [];
        var hash = VocabularyHash(metadata.Kind, items, types);
        if (hash != metadata.FeatureSchemaHash)
        {
            throw new InvalidDataException($"model {metadata.Version}: trained on item vocabulary {metadata.FeatureSchemaHash}, {ItemsFile} hashes to {hash}");
        }

        var weights = new MemoryStream(ModelFolder.ReadWeights(folder, metadata));
        if (metadata.Kind == SequenceKind)
        {
            var encoder = SequenceEncoder.Load(weights);
            if (encoder.ItemCount != items.Length || encoder.TypeCount != types.Length)
            {
                throw new InvalidDataException($"model {metadata.Version}: weights for {encoder.ItemCount} items and {encoder.TypeCount} types, {items.Length} ids and {types.Length} types beside them");
            }

            return new ItemModelArtifact(metadata, items, types, encoder, null);
        }

        var vae = CollaborativeVae.Load(weights);
        if (vae.ItemCount != items.Length)
        {
            throw new InvalidDataException($"model {metadata.Version}: weights for {vae.ItemCount} items, {items.Length} ids beside them");
        }

        return new ItemModelArtifact(metadata, items, [], null, vae);
    }

    private static ModelMetadata Write(string folder, byte[] weights, IReadOnlyList<string> items, IReadOnlyList<string> types, ModelMetadata metadata)
    {
        if (items.Any(i => i.Length == 0 || i.Contains('\n') || i.Contains('\r')) || types.Any(t => t.Length == 0 || t.Contains('\n') || t.Contains('\r')))
        {
            throw new ArgumentException("model: an empty item id or type name, or one with a line break, cannot be stored");
        }

        if (items.Distinct(StringComparer.Ordinal).Count() != items.Count)
        {
            throw new ArgumentException("model: item ids must be distinct");
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [ItemsFile] = Encoding.UTF8.GetBytes(string.Concat(items.Select(i => i + "\n"))) };
        if (metadata.Kind == SequenceKind)
        {
            files[TypesFile] = Encoding.UTF8.GetBytes(string.Concat(types.Select(t => t + "\n")));
        }

        return ModelFolder.Save(folder, weights, metadata with { FeatureSchemaHash = VocabularyHash(metadata.Kind, items, types), ItemCount = items.Count }, files);
    }

    private static string[] Lines(string folder, string file, ModelMetadata metadata)
    {
        var path = Path.Combine(folder, file);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"model {metadata.Version}: no {file}");
        }

        var text = File.ReadAllText(path, Encoding.UTF8);
        return text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
    }
}
