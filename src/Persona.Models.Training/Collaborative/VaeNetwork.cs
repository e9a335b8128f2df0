using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Persona.Models.Collaborative;

/// <summary>
/// Mult-VAE in TorchSharp (training only; <see cref="CollaborativeVae"/> serves the same maths): the
/// L2-normalised item set, dropped out, → tanh(Linear) → (μ, log σ²); z = μ + σ ε while training, μ
/// otherwise; → tanh(Linear) → Linear → logits over all items.
/// </summary>
internal sealed class VaeNetwork : nn.Module
{
    private readonly Linear _encoder;
    private readonly Linear _latent;
    private readonly Linear _decoder;
    private readonly Linear _output;
    private readonly Dropout _dropout;
    private readonly int _latentSize;
    private readonly Scalar _half = 0.5f.ToScalar();
    private readonly Scalar _minusHalf = (-0.5f).ToScalar();
    private readonly Scalar _one = 1f.ToScalar();

    public VaeNetwork(int items, VaeOptions options) : base("mult-vae")
    {
        _latentSize = options.Latent;
        _encoder = nn.Linear(items, options.Hidden);
        _latent = nn.Linear(options.Hidden, 2 * options.Latent);
        _decoder = nn.Linear(options.Latent, options.Hidden);
        _output = nn.Linear(options.Hidden, items);
        _dropout = nn.Dropout(options.Dropout);
        RegisterComponents();
        using (torch.no_grad())
        {
            foreach (var layer in new[] { _encoder, _latent, _decoder, _output })
            {
                nn.init.xavier_uniform_(layer.weight!);
                nn.init.normal_(layer.bias!, 0, 0.001);
            }
        }
    }

    public Linear Encoder => _encoder;

    public Linear Latent => _latent;

    public Linear Decoder => _decoder;

    public Linear Output => _output;

    /// <summary>Logits over all items and the per-row KL divergence from the prior, for item-set rows [B, items].</summary>
    public (Tensor Logits, Tensor Kl) Forward(Tensor x)
    {
        var norm = x.norm(1, keepdim: true, p: 2).clamp_min(1e-12);
        var h = torch.tanh(_encoder.forward(_dropout.forward(x / norm)));
        var stats = _latent.forward(h);
        var mu = stats.narrow(1, 0, _latentSize);
        var logVar = stats.narrow(1, _latentSize, _latentSize);
        var z = training ? mu + (torch.randn_like(mu) * (logVar * _half).exp()) : mu;
        var logits = _output.forward(torch.tanh(_decoder.forward(z)));
        var kl = ((logVar + _one) - mu.pow(2) - logVar.exp()).sum(1) * _minusHalf;
        return (logits, kl);
    }
}
