using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Persona.Models.Sequence;

/// <summary>
/// The recurrent (GRU4Rec-family) network in TorchSharp, on the same inputs as <see cref="SasRecNetwork"/>
/// (item embedding plus its attributes' mean, plus the event type's embedding) and scored against the same
/// kind of item table. Rows arrive right-aligned; they are turned left-aligned for the GRU (so padding comes
/// after the real positions and cannot reach them) and back. Served by <see cref="GruEncoder"/>.
/// </summary>
internal sealed class GruNetwork : nn.Module<Tensor, Tensor, Tensor>, ISequenceNetwork
{
    private readonly Embedding _items;
    private readonly Embedding? _attributes;
    private readonly Embedding _types;
    private readonly Dropout _dropout;
    private readonly GRU _gru;
    private readonly AttributeMean? _attributeMean;

    public GruNetwork(SequenceCorpus corpus, SequenceModelOptions options) : base("gru")
    {
        Dimension = options.Dimension;
        _items = nn.Embedding(corpus.ItemCount + 1, options.Dimension, padding_idx: 0);
        _types = nn.Embedding(corpus.TypeCount, options.Dimension);
        _dropout = nn.Dropout(options.Dropout);
        _gru = nn.GRU(options.Dimension, options.Dimension, numLayers: 1, batchFirst: true);
        _attributeMean = AttributeMean.For(corpus, options);
        if (_attributeMean is not null)
        {
            _attributes = nn.Embedding(corpus.AttributeCount, options.Dimension);
        }

        RegisterComponents();
        using (torch.no_grad())
        {
            foreach (var (_, p) in named_parameters())
            {
                if (p.dim() == 2)
                {
                    nn.init.xavier_normal_(p);
                }
            }

            _items.weight![0].zero_();
        }
    }

    public int Dimension { get; }

    public Embedding Items => _items;

    public Embedding Types => _types;

    public GRU Gru => _gru;

    public Tensor Table() => _attributeMean is null ? _items.weight! : _attributeMean.Table(_items, _attributes!);

    public override Tensor forward(Tensor items, Tensor types) => Forward(items, types, Table());

    public Tensor Forward(Tensor items, Tensor types, Tensor table)
    {
        var (b, l) = (items.shape[0], items.shape[1]);
        var valid = items.ne(0);
        var x = table.index_select(0, items.flatten()).view(b, l, Dimension) + _types.forward(types);
        x = _dropout.forward(x) * valid.unsqueeze(-1);

        // Right-aligned → left-aligned: left[b, j] = right[b, (j + pad) mod L]; and back after the GRU.
        var pad = valid.logical_not().sum(1, type: ScalarType.Int64).unsqueeze(1);
        var positions = torch.arange(l, dtype: ScalarType.Int64).unsqueeze(0);
        var toLeft = (positions + pad).remainder(l).unsqueeze(-1).expand(b, l, Dimension);
        var (output, _) = _gru.forward(x.gather(1, toLeft));
        var toRight = (positions - pad + l).remainder(l).unsqueeze(-1).expand(b, l, Dimension);
        return _dropout.forward(output.gather(1, toRight)) * valid.unsqueeze(-1);
    }
}
