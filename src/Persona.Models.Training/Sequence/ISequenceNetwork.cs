using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Persona.Models.Sequence;

/// <summary>What the sequence trainer needs of a network: the item table and hidden states for left-padded rows.</summary>
internal interface ISequenceNetwork
{
    int Dimension { get; }

    /// <summary>The item embeddings (row 0 is padding, kept at zero).</summary>
    Embedding Items { get; }

    /// <summary>The item table [items + 1, d] scored against (each item's embedding plus its attributes' mean).</summary>
    Tensor Table();

    /// <summary>Hidden states [B, L, d] for right-aligned rows [B, L] (0 = padding); a real position's state depends only on the real positions up to it.</summary>
    Tensor Forward(Tensor items, Tensor types, Tensor table);
}
