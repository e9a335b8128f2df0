using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Persona.Models.Sequence;

/// <summary>
/// The item table both sequence networks score against: each item's embedding plus the mean of its
/// attributes' embeddings (row 0, padding, stays zero). Holds the (item, attribute, 1/count) pairs as
/// tensors; null from <see cref="For"/> when the corpus has no attributes or they are switched off.
/// </summary>
internal sealed class AttributeMean
{
    private readonly Tensor _items;
    private readonly Tensor _attributes;
    private readonly Tensor _weights;

    // Lives as long as the network: a temporary Scalar may be finalised while libtorch still reads it.
    private readonly Scalar _one = 1f.ToScalar();

    private AttributeMean(Tensor items, Tensor attributes, Tensor weights)
    {
        _items = items;
        _attributes = attributes;
        _weights = weights;
    }

    public static AttributeMean? For(SequenceCorpus corpus, SequenceModelOptions options)
    {
        var pairs = options.UseAttributes && corpus.AttributeCount > 0
            ? corpus.ItemAttributes.SelectMany((a, i) => a.Select(x => (Item: i + 1, Attribute: x, Weight: 1f / a.Length))).ToArray()
            : [];
        return pairs.Length == 0
            ? null
            : new AttributeMean(
                torch.tensor(pairs.Select(p => (long)p.Item).ToArray()),
                torch.tensor(pairs.Select(p => (long)p.Attribute).ToArray()),
                torch.tensor(pairs.Select(p => p.Weight).ToArray()).unsqueeze(1));
    }

    /// <summary>The table [items + 1, d] from the item and attribute embeddings.</summary>
    public Tensor Table(Embedding items, Embedding attributes)
    {
        var table = items.weight!;
        var bags = torch.zeros_like(table).index_add(0, _items, attributes.forward(_attributes) * _weights, _one);
        return table + bags;
    }
}
