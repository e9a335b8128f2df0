using Persona.Models.Sequence;

namespace Persona.Models.Tests;

public sealed class SequenceModelTests
{
    private static readonly SequenceModelOptions Small = new() { Dimension = 16, Blocks = 1, Dropout = 0.1f, MaxEpochs = 25, Patience = 5, Threads = 1, BatchSize = 32, LearningRate = 5e-3f };

    [Fact]
    public void Train_DeterministicSuccessor_RanksTheNextItemFirst()
    {
        var corpus = Successors(users: 300, items: 30, seed: 1);
        var reports = new List<SequenceEpochReport>();
        var trained = SequenceTrainer.Train(corpus, Small, reports.Add);
        Assert.Equal(reports, trained.Epochs);
        Assert.Equal(reports.MaxBy(r => r.ValidationNdcg10)!.Epoch, trained.BestEpoch);
        Assert.True(trained.Best.ValidationHr10 > 0.95, $"validation HR@10 {trained.Best.ValidationHr10}");

        // Served: after item i comes i + 1.
        var scores = new float[30];
        var right = 0;
        for (var start = 0; start < 30; start++)
        {
            int[] history = [start, (start + 1) % 30, (start + 2) % 30];
            trained.Encoder.Score(trained.Encoder.Encode(history, new int[3]), scores);
            right += Array.IndexOf(scores, scores.Max()) == (start + 3) % 30 ? 1 : 0;
        }

        Assert.True(right >= 28, $"{right} of 30 successors first");
    }

    [Fact]
    public void Train_SampledSoftmax_AlsoLearnsTheSuccessor()
    {
        var trained = SequenceTrainer.Train(Successors(users: 300, items: 30, seed: 2), Small with { Negatives = 8 });
        Assert.True(trained.Best.ValidationHr10 > 0.9, $"validation HR@10 {trained.Best.ValidationHr10}");
    }

    [Fact]
    public void Encode_ServedEncoder_MatchesTorchWithin1e5()
    {
        // Two heads, two blocks, attributes and event types, users of every length (so batches carry padding).
        var trained = SequenceTrainer.Train(Successors(users: 120, items: 20, seed: 3, types: 3, attributes: true), Small with { Heads = 2, Blocks = 2, MaxEpochs = 3, MaxLength = 8 });
        Assert.InRange(trained.ParityMaxAbsDiff, 0, 1e-5);
        Assert.Equal(2, trained.SelfAttentive.BlockCount);
        Assert.Equal(3, trained.Encoder.TypeCount);
    }

    [Fact]
    public void Train_SameSeedOneThread_SameWeights()
    {
        var corpus = Successors(users: 80, items: 15, seed: 4);
        var options = Small with { MaxEpochs = 2 };
        var a = Embedding(SequenceTrainer.Train(corpus, options).Encoder);
        var b = Embedding(SequenceTrainer.Train(corpus, options).Encoder);
        var c = Embedding(SequenceTrainer.Train(corpus, options with { Seed = 7 }).Encoder);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Train_GruEncoder_LearnsTheSuccessorAndServesWithParity()
    {
        var reports = new List<SequenceEpochReport>();
        var trained = SequenceTrainer.Train(Successors(users: 300, items: 30, seed: 9, types: 2, attributes: true), Small with { Encoder = "gru" }, reports.Add);
        Assert.IsType<GruEncoder>(trained.Encoder);
        Assert.True(trained.Best.ValidationHr10 > 0.9, $"validation HR@10 {trained.Best.ValidationHr10}");
        Assert.InRange(trained.ParityMaxAbsDiff, 0, 1e-5); // the managed GRU against TorchSharp's, padded batches included
        var error = Assert.Throws<InvalidOperationException>(() => trained.SelfAttentive);
        Assert.Contains("--encoder sasrec", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_HistoryLongerThanMaxLength_OnlyTheNewestCount()
    {
        var encoder = SequenceTrainer.Train(Successors(users: 60, items: 12, seed: 5), Small with { MaxEpochs = 1, MaxLength = 4 }).SelfAttentive;
        int[] longer = [7, 1, 2, 3, 4, 5];
        Assert.Equal(encoder.Encode([2, 3, 4, 5], new int[4]), encoder.Encode(longer, new int[6]));
        Assert.NotEqual(encoder.Encode([3, 4, 5], new int[3]), encoder.Encode(longer, new int[6]));
        Assert.Equal(new float[16], encoder.Encode([], []));
    }

    [Fact]
    public void Encode_UnknownItemOrType_Throws()
    {
        var encoder = SequenceTrainer.Train(Successors(users: 60, items: 12, seed: 6), Small with { MaxEpochs = 1 }).SelfAttentive;
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode([12], [0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode([-1], [0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode([3], [1]));
        Assert.Throws<ArgumentException>(() => encoder.Encode([3, 4], [0]));
    }

    [Fact]
    public void SaveLoad_RoundTrip_SameEmbeddingsAndItems()
    {
        var encoder = SequenceTrainer.Train(Successors(users: 60, items: 12, seed: 7, attributes: true), Small with { MaxEpochs = 1, Heads = 2 }).SelfAttentive;
        using var stream = new MemoryStream();
        encoder.Save(stream);
        stream.Position = 0;
        var loaded = SequenceEncoder.Load(stream);
        Assert.Equal(encoder.Encode([1, 2, 3], new int[3]), loaded.Encode([1, 2, 3], new int[3]));
        Assert.Equal(encoder.ItemEmbedding(11).ToArray(), loaded.ItemEmbedding(11).ToArray());
        Assert.Equal((encoder.Heads, encoder.MaxLength, encoder.ItemCount), (loaded.Heads, loaded.MaxLength, loaded.ItemCount));
    }

    [Fact]
    public void Load_DamagedFile_ThrowsInvalidData()
    {
        var encoder = SequenceTrainer.Train(Successors(users: 60, items: 12, seed: 8), Small with { MaxEpochs = 1 }).SelfAttentive;
        using var stream = new MemoryStream();
        encoder.Save(stream);
        var bytes = stream.ToArray();
        Assert.Throws<InvalidDataException>(() => SequenceEncoder.Load(new MemoryStream(bytes[..^5])));
        Assert.Throws<InvalidDataException>(() => SequenceEncoder.Load(new MemoryStream([.. bytes, 0])));
        var wrongMagic = (byte[])bytes.Clone();
        wrongMagic[0] ^= 0xFF;
        Assert.Throws<InvalidDataException>(() => SequenceEncoder.Load(new MemoryStream(wrongMagic)));
        var wrongShape = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(wrongShape.AsSpan(8), -3); // the dimension
        Assert.Throws<InvalidDataException>(() => SequenceEncoder.Load(new MemoryStream(wrongShape)));
    }

    [Theory]
    [InlineData(3, 1, 1, 50, 0.5f, 1e-3f, 128, 0)]
    [InlineData(64, 3, 1, 50, 0.5f, 1e-3f, 128, 0)]
    [InlineData(64, 1, 0, 50, 0.5f, 1e-3f, 128, 0)]
    [InlineData(64, 1, 1, 1, 0.5f, 1e-3f, 128, 0)]
    [InlineData(64, 1, 1, 50, 1f, 1e-3f, 128, 0)]
    [InlineData(64, 1, 1, 50, 0.5f, 0f, 128, 0)]
    [InlineData(64, 1, 1, 50, 0.5f, 1e-3f, 0, 0)]
    [InlineData(64, 1, 1, 50, 0.5f, 1e-3f, 128, -1)]
    public void Validate_OutOfRange_ThrowsNamingTheOption(int dim, int heads, int blocks, int maxLength, float dropout, float lr, int batch, int negatives)
    {
        var options = new SequenceModelOptions { Dimension = dim, Heads = heads, Blocks = blocks, MaxLength = maxLength, Dropout = dropout, LearningRate = lr, BatchSize = batch, Negatives = negatives };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.StartsWith("sequence model: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corpus_IdsOutsideTheirRange_Throw()
    {
        Assert.Throws<ArgumentException>(() => new SequenceCorpus([[0, 5]], null, 5, null, 0, 1));
        Assert.Throws<ArgumentException>(() => new SequenceCorpus([[0, 1]], [[0, 2]], 5, null, 0, 2));
        Assert.Throws<ArgumentException>(() => new SequenceCorpus([[0, 1]], [[0]], 5, null, 0, 2));
        Assert.Throws<ArgumentException>(() => new SequenceCorpus([[0, 1]], null, 2, [[0], [3]], 3, 1));
        Assert.Throws<ArgumentException>(() => new SequenceCorpus([[0, 1]], null, 2, [[0]], 3, 1));
    }

    [Fact]
    public void Train_NoUserLongEnough_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => SequenceTrainer.Train(new SequenceCorpus([[0, 1], [2]], null, 3, null, 0, 1), Small));
        Assert.Contains("3 are needed", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Users walking the item ring i → i + 1 from a random start, 4–14 steps (attributes: item mod 3).</summary>
    private static SequenceCorpus Successors(int users, int items, int seed, int types = 1, bool attributes = false)
    {
        var rng = new Random(seed);
        var seqs = new List<int[]>();
        var typ = new List<int[]>();
        for (var u = 0; u < users; u++)
        {
            var start = rng.Next(items);
            var length = rng.Next(4, 15);
            seqs.Add([.. Enumerable.Range(0, length).Select(k => (start + k) % items)]);
            typ.Add([.. Enumerable.Range(0, length).Select(_ => rng.Next(types))]);
        }

        return new SequenceCorpus(seqs, typ, items, attributes ? [.. Enumerable.Range(0, items).Select(i => new[] { i % 3 })] : null, attributes ? 3 : 0, types);
    }

    private static float[] Embedding(IUserEncoder encoder) => encoder.Encode([1, 2, 3], new int[3]);
}
