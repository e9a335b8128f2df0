using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Persona.Models.Interest;

/// <summary>
/// The trainable network: logits = MLP(standardised features) + Σ_b (c_b · block_b + d_b · log(block_b + 0.01)),
/// where each block is a K-wide feature group aligned with the labels (the profile's interest shares, the
/// recent sequence's label shares, the newest item's label) read raw, and c_b, d_b two learned weights per
/// block shared by all labels (the logarithm lets a block act as a distribution to multiply in).
/// The copy term lets the model carry "more of the same" to every label, rare ones included, instead of
/// learning one mapping per label; the MLP learns everything else. With no blocks it is a plain MLP.
/// </summary>
internal sealed class InterestNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The copy weights are 10 × these parameters, so that Adam moves them ten times as fast as the MLP's.</summary>
    internal const float CopyScale = 10f;

#pragma warning disable IDE0044, IDE1006, SA1306 // TorchSharp registers fields (not properties) as components, by name: the names are the saved weights' keys
    private Sequential mlp;
    private Parameter copy;
#pragma warning restore IDE0044, IDE1006, SA1306

    public InterestNetwork(Sequential mlp, int blocks)
        : base(nameof(InterestNetwork))
    {
        this.mlp = mlp;
        copy = new Parameter(full(Math.Max(blocks, 1), 1f / CopyScale), requires_grad: blocks > 0);
        Blocks = blocks;
        RegisterComponents();
    }

    public int Blocks { get; }

    /// <summary>The copy weights as served (<see cref="CopyScale"/> × the parameters): the raw blocks' then the logarithms'.</summary>
    public float[] CopyWeights => Blocks == 0 ? [] : (copy.detach() * CopyScale).data<float>().ToArray();

    /// <param name="x">Standardised features, rows × width.</param>
    /// <param name="blocks">Label-aligned blocks, rows × blocks × K: the raw ones, then their log(v + 0.01) (rows × 0 × K without a copy term).</param>
    public override Tensor forward(Tensor x, Tensor blocks)
    {
        var logits = mlp.forward(x);
        return Blocks == 0 ? logits : logits + (blocks * (copy * CopyScale).view(1, -1, 1)).sum(1);
    }
}
