using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Persona.Models.Sequence;

/// <summary>
/// The SASRec network in TorchSharp (training only; <see cref="SequenceEncoder"/> serves the same maths).
/// Input rows are left-padded with item 0 and right-aligned, so position p is the distance from the newest
/// interaction and a row's result does not depend on how much padding its batch has: real positions never
/// attend to padding, and padding attends only to itself. Each block is SASRec's: Q = LN(x);
/// x = Q + Attention(Q, x, x) under a causal mask; x = LN(x); x = x + FFN(x); padding zeroed.
/// </summary>
internal sealed class SasRecNetwork : nn.Module<Tensor, Tensor, Tensor>, ISequenceNetwork
{
    private readonly Embedding _items;
    private readonly Embedding? _attributes;
    private readonly Embedding _types;
    private readonly Embedding _positions;
    private readonly Dropout _dropout;
    private readonly ModuleList<SasRecBlock> _blocks;
    private readonly LayerNorm _final;
    private readonly AttributeMean? _attributeMean;
    private readonly int _dimension;

    // Scalars live as long as the network: a temporary Scalar may be finalised while libtorch still reads it.
    private readonly Scalar _scale;
    private readonly Scalar _masked = (-1e9f).ToScalar();

    public SasRecNetwork(SequenceCorpus corpus, SequenceModelOptions options) : base("sasrec")
    {
        _dimension = options.Dimension;
        _scale = MathF.Sqrt(options.Dimension).ToScalar();
        _items = nn.Embedding(corpus.ItemCount + 1, options.Dimension, padding_idx: 0);
        _types = nn.Embedding(corpus.TypeCount, options.Dimension);
        _positions = nn.Embedding(options.MaxLength, options.Dimension);
        _dropout = nn.Dropout(options.Dropout);
        _blocks = nn.ModuleList([.. Enumerable.Range(0, options.Blocks).Select(b => new SasRecBlock($"block{b}", options))]);
        _final = nn.LayerNorm([options.Dimension], eps: 1e-8);
        _attributeMean = AttributeMean.For(corpus, options);
        if (_attributeMean is not null)
        {
            _attributes = nn.Embedding(corpus.AttributeCount, options.Dimension);
        }

        RegisterComponents();
        using (torch.no_grad())
        {
            foreach (var (name, p) in named_parameters())
            {
                if (p.dim() == 2)
                {
                    nn.init.xavier_normal_(p);
                }
            }

            _items.weight![0].zero_();
        }
    }

    public int Dimension => _dimension;

    public Embedding Items => _items;

    public Embedding? Attributes => _attributes;

    public Embedding Types => _types;

    public Embedding Positions => _positions;

    public IReadOnlyList<SasRecBlock> Blocks => [.. _blocks];

    public LayerNorm Final => _final;

    /// <summary>The item table [items + 1, d]: each item's embedding plus the mean of its attributes' (row 0 is padding).</summary>
    public Tensor Table() => _attributeMean is null ? _items.weight! : _attributeMean.Table(_items, _attributes!);

    /// <summary>Hidden states [B, L, d] for left-padded item rows [B, L] (0 = padding) and their event types.</summary>
    public override Tensor forward(Tensor items, Tensor types) => Forward(items, types, Table());

    public Tensor Forward(Tensor items, Tensor types, Tensor table)
    {
        var length = items.shape[1];
        var valid = items.ne(0);
        var positions = torch.arange(length - 1, -1, -1, dtype: ScalarType.Int64, device: items.device);
        var x = table.index_select(0, items.flatten()).view(items.shape[0], length, _dimension) * _scale;
        x = x + _positions.forward(positions).unsqueeze(0) + _types.forward(types);
        x = _dropout.forward(x) * valid.unsqueeze(-1);

        // allowed[b, i, j]: j <= i and j is a real interaction, or j == i.
        var causal = torch.ones(length, length, dtype: ScalarType.Bool, device: items.device).tril();
        var eye = torch.eye(length, dtype: ScalarType.Bool, device: items.device);
        var allowed = causal.unsqueeze(0).logical_and(valid.unsqueeze(1)).logical_or(eye.unsqueeze(0));
        var bias = torch.zeros(allowed.shape, device: items.device).masked_fill(allowed.logical_not(), _masked).unsqueeze(1);
        foreach (var block in _blocks)
        {
            x = block.forward(x, bias) * valid.unsqueeze(-1);
        }

        return _final.forward(x);
    }
}

/// <summary>One SASRec block: pre-normalised multi-head causal self-attention and a point-wise feed-forward layer.</summary>
internal sealed class SasRecBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm _attentionNorm;
    private readonly Linear _query;
    private readonly Linear _key;
    private readonly Linear _value;
    private readonly Linear _output;
    private readonly LayerNorm _forwardNorm;
    private readonly Linear _inner;
    private readonly Linear _outer;
    private readonly Dropout _dropout;
    private readonly int _heads;
    private readonly Scalar _inverseRoot;

    public SasRecBlock(string name, SequenceModelOptions options) : base(name)
    {
        var d = options.Dimension;
        _heads = options.Heads;
        _inverseRoot = (1f / MathF.Sqrt(d / options.Heads)).ToScalar();
        _attentionNorm = nn.LayerNorm([d], eps: 1e-8);
        _query = nn.Linear(d, d);
        _key = nn.Linear(d, d);
        _value = nn.Linear(d, d);
        _output = nn.Linear(d, d);
        _forwardNorm = nn.LayerNorm([d], eps: 1e-8);
        _inner = nn.Linear(d, d);
        _outer = nn.Linear(d, d);
        _dropout = nn.Dropout(options.Dropout);
        RegisterComponents();
    }

    public LayerNorm AttentionNorm => _attentionNorm;

    public Linear Query => _query;

    public Linear Key => _key;

    public Linear Value => _value;

    public Linear Output => _output;

    public LayerNorm ForwardNorm => _forwardNorm;

    public Linear Inner => _inner;

    public Linear Outer => _outer;

    public override Tensor forward(Tensor x, Tensor bias)
    {
        var (b, l, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var dh = d / _heads;
        var q = _attentionNorm.forward(x);
        var queries = _query.forward(q).view(b, l, _heads, dh).transpose(1, 2);
        var keys = _key.forward(x).view(b, l, _heads, dh).transpose(1, 2);
        var values = _value.forward(x).view(b, l, _heads, dh).transpose(1, 2);
        var scores = (queries.matmul(keys.transpose(2, 3)) * _inverseRoot) + bias;
        var attention = _dropout.forward(nn.functional.softmax(scores, -1));
        var heads = attention.matmul(values).transpose(1, 2).contiguous().view(b, l, d);
        x = q + _output.forward(heads);
        x = _forwardNorm.forward(x);
        var inner = _dropout.forward(nn.functional.relu(_inner.forward(x)));
        return x + _dropout.forward(_outer.forward(inner));
    }
}
