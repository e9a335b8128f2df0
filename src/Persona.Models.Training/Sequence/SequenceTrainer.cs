using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Persona.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Persona.Models.Sequence;

/// <summary>
/// Trains the SASRec network with softmax cross-entropy at every position, over all items or over a large
/// sample of negatives shared by the batch (<see cref="SequenceModelOptions.Negatives"/>; the literature
/// finds either far ahead of BCE with one negative), Adam, seeded initialisation and batch order.
/// Per user the newest item is held out for validation (its input is everything before it); the rest
/// trains next-item prediction. Each epoch is validated by ranking all items the user has not interacted
/// with (HR@10, NDCG@10), and training stops after <see cref="SequenceModelOptions.Patience"/> epochs
/// without a better NDCG@10, keeping the best epoch's weights. Batches group users of similar length, so
/// little time goes to padding.
/// </summary>
public static class SequenceTrainer
{
    private const int ValidationChunk = 512;

    public static TrainedSequenceModel Train(SequenceCorpus corpus, SequenceModelOptions options, Action<SequenceEpochReport>? progress = null)
    {
        lock (TorchGate.Gate)
        {
            return TrainGated(corpus, options, progress);
        }
    }

    [SuppressMessage("Maintainability", "CA1506:Avoid excessive class coupling", Justification = "One TorchSharp training loop (tensors, modules, optimiser, early stopping) under the training gate; its halves share the native resources it disposes")]
    private static TrainedSequenceModel TrainGated(SequenceCorpus corpus, SequenceModelOptions options, Action<SequenceEpochReport>? progress)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var total = Stopwatch.StartNew();
        var trainUsers = Enumerable.Range(0, corpus.Users).Where(u => corpus.Items[u].Length >= 3).ToArray();
        var validUsers = Enumerable.Range(0, corpus.Users).Where(u => corpus.Items[u].Length >= 2).ToArray();
        if (trainUsers.Length == 0 || validUsers.Length == 0)
        {
            throw new ArgumentException("sequence model: no user has enough interactions to train on (3 are needed: train, then validate)");
        }

        if (options.Threads > 0)
        {
            torch.set_num_threads(options.Threads);
        }

        torch.random.manual_seed(options.Seed);
        using nn.Module module = options.Encoder == "gru" ? new GruNetwork(corpus, options) : new SasRecNetwork(corpus, options);
        var network = (ISequenceNetwork)module;
        using var optimizer = torch.optim.Adam(module.parameters(), lr: options.LearningRate, beta1: 0.9, beta2: 0.98, weight_decay: options.WeightDecay);
        var rng = new Random(options.Seed);
        using var masked = (-1e9f).ToScalar();
        var epochs = new List<SequenceEpochReport>();
        var best = double.NegativeInfinity;
        var bestEpoch = 0;
        List<Tensor>? bestWeights = null;
        for (var epoch = 1; epoch <= options.MaxEpochs && epoch - bestEpoch <= options.Patience; epoch++)
        {
            var watch = Stopwatch.StartNew();
            module.train();
            double lossSum = 0;
            long positions = 0;
            foreach (var batch in Batches(corpus, trainUsers, options, rng))
            {
                using var noGcscope = NoGcRegion.Enter();
                using var scope = torch.NewDisposeScope();
                var (items, types, targets) = TrainingBatch(corpus, batch, options.MaxLength);
                var table = network.Table();
                var hidden = network.Forward(items, types, table);
                var flatTargets = targets.flatten();
                var where = flatTargets.ge(0).nonzero().squeeze(1);
                var selected = hidden.view(-1, network.Dimension).index_select(0, where);
                var chosen = flatTargets.index_select(0, where);
                Tensor loss;
                if (options.Negatives <= 0 || options.Negatives >= corpus.ItemCount)
                {
                    var logits = selected.matmul(table.narrow(0, 1, corpus.ItemCount).t());
                    loss = nn.functional.cross_entropy(logits, chosen);
                }
                else
                {
                    // Sampled softmax: the target against negatives drawn uniformly and shared by the batch
                    // (uniform draws need no log-probability correction); a draw that is the target is masked.
                    var negatives = torch.randint(0, corpus.ItemCount, [options.Negatives], dtype: ScalarType.Int64);
                    var positive = (selected * table.index_select(0, chosen + 1)).sum(-1, keepdim: true);
                    var negative = selected.matmul(table.index_select(0, negatives + 1).t())
                        .masked_fill(negatives.unsqueeze(0).eq(chosen.unsqueeze(1)), masked);
                    loss = nn.functional.cross_entropy(torch.cat([positive, negative], 1), torch.zeros_like(chosen));
                }

                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                using (torch.no_grad())
                {
                    network.Items.weight![0].zero_();
                }

                var n = where.shape[0];
                lossSum += loss.item<float>() * n;
                positions += n;
            }

            var (hr, ndcg) = Validate(module, network, corpus, validUsers, options.MaxLength);
            var report = new SequenceEpochReport(epoch, lossSum / Math.Max(1, positions), hr, ndcg, watch.Elapsed.TotalSeconds);
            epochs.Add(report);
            progress?.Invoke(report);
            if (double.IsNaN(report.TrainLoss))
            {
                break;
            }

            if (ndcg > best)
            {
                best = ndcg;
                bestEpoch = epoch;
                bestWeights?.ForEach(t => t.Dispose());
                bestWeights = [.. module.parameters().Select(p => p.detach().clone())];
            }
        }

        if (bestWeights is null)
        {
            throw new InvalidOperationException("sequence model: training diverged before its first validation; lower the learning rate");
        }

        using (torch.no_grad())
        {
            foreach (var (p, w) in module.parameters().Zip(bestWeights))
            {
                p.copy_(w);
                w.Dispose();
            }
        }

        module.eval();
        IUserEncoder encoder = module is GruNetwork gru ? Export(gru, corpus, options) : Export((SasRecNetwork)module, corpus, options);
        var parity = Parity(network, encoder, corpus, validUsers, options.MaxLength);
        return new TrainedSequenceModel(encoder, epochs, bestEpoch, parity, total.Elapsed.TotalSeconds);
    }

    /// <summary>Users shuffled, then stably sorted by length and cut into batches whose order is shuffled too.</summary>
    private static List<int[]> Batches(SequenceCorpus corpus, int[] users, SequenceModelOptions options, Random rng)
    {
        var order = (int[])users.Clone();
        rng.Shuffle(order);
        var sorted = order.OrderBy(u => Math.Min(corpus.Items[u].Length, options.MaxLength + 2)).ToArray();
        var batches = new List<int[]>();
        for (var start = 0; start < sorted.Length; start += options.BatchSize)
        {
            batches.Add(sorted.AsSpan(start, Math.Min(options.BatchSize, sorted.Length - start)).ToArray());
        }

        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batches));
        return batches;
    }

    /// <summary>
    /// Inputs and next-item targets of the training part (everything but the validation item), right-aligned:
    /// items are 1-based (0 pads), targets 0-based (-1 where there is none).
    /// </summary>
    private static (Tensor Items, Tensor Types, Tensor Targets) TrainingBatch(SequenceCorpus corpus, int[] users, int maxLength)
    {
        var length = users.Max(u => Math.Min(corpus.Items[u].Length - 2, maxLength));
        var items = new long[users.Length * length];
        var types = new long[users.Length * length];
        var targets = new long[users.Length * length];
        Array.Fill(targets, -1);
        for (var r = 0; r < users.Length; r++)
        {
            var seq = corpus.Items[users[r]];
            var typ = corpus.Types[users[r]];
            var train = seq.Length - 1; // the validation item is the last one
            var n = Math.Min(train - 1, maxLength);
            for (var k = 0; k < n; k++)
            {
                var source = train - 1 - n + k;
                var at = r * length + length - n + k;
                items[at] = seq[source] + 1;
                types[at] = typ[source];
                targets[at] = seq[source + 1];
            }
        }

        return (torch.tensor(items).view(users.Length, length), torch.tensor(types).view(users.Length, length), torch.tensor(targets).view(users.Length, length));
    }

    /// <summary>The newest <paramref name="maxLength"/> interactions before <paramref name="end"/> of each user, right-aligned, 1-based.</summary>
    internal static (Tensor Items, Tensor Types) InputBatch(SequenceCorpus corpus, IReadOnlyList<int> users, Func<int, int> end, int maxLength)
    {
        var length = Math.Max(1, users.Max(u => Math.Min(end(u), maxLength)));
        var items = new long[users.Count * length];
        var types = new long[users.Count * length];
        for (var r = 0; r < users.Count; r++)
        {
            var seq = corpus.Items[users[r]];
            var typ = corpus.Types[users[r]];
            var stop = end(users[r]);
            var n = Math.Min(stop, maxLength);
            for (var k = 0; k < n; k++)
            {
                var source = stop - n + k;
                items[r * length + length - n + k] = seq[source] + 1;
                types[r * length + length - n + k] = typ[source];
            }
        }

        return (torch.tensor(items).view(users.Count, length), torch.tensor(types).view(users.Count, length));
    }

    /// <summary>HR@10 and NDCG@10 of each user's newest item against all items the user has not had before it.</summary>
    private static (double Hr, double Ndcg) Validate(nn.Module module, ISequenceNetwork network, SequenceCorpus corpus, int[] users, int maxLength)
    {
        module.eval();
        using var noGrad = torch.no_grad();
        using var noGcscope = NoGcRegion.Enter();
        using var scope = torch.NewDisposeScope();
        var table = network.Table();
        var tableT = table.narrow(0, 1, corpus.ItemCount).t();
        var itemIndex = torch.arange(corpus.ItemCount, dtype: ScalarType.Int64).unsqueeze(0);
        var byLength = users.OrderBy(u => Math.Min(corpus.Items[u].Length, maxLength + 1)).ToArray();
        double hits = 0, gain = 0;
        for (var start = 0; start < byLength.Length; start += ValidationChunk)
        {
            using var noGcinner = NoGcRegion.Enter();
            using var inner = torch.NewDisposeScope();
            var chunk = byLength.AsSpan(start, Math.Min(ValidationChunk, byLength.Length - start)).ToArray();
            var (items, types) = InputBatch(corpus, chunk, u => corpus.Items[u].Length - 1, maxLength);
            var scores = network.Forward(items, types, table).select(1, -1).matmul(tableT);
            var targets = torch.tensor(chunk.Select(u => (long)corpus.Items[u][^1]).ToArray()).unsqueeze(1);
            var target = scores.gather(1, targets);

            // Items the user has had (the input, plus anything older than the newest maxLength) do not compete.
            var seen = torch.zeros(chunk.Length, corpus.ItemCount + 1, dtype: ScalarType.Bool);
            var history = HistoryIndex(corpus, chunk);
            seen = seen.scatter(1, history, torch.ones_like(history, dtype: ScalarType.Bool)).narrow(1, 1, corpus.ItemCount);
            seen = seen.scatter(1, targets, torch.zeros_like(targets, dtype: ScalarType.Bool));
            var ahead = scores.gt(target).logical_or(scores.eq(target).logical_and(itemIndex.lt(targets))).logical_and(seen.logical_not());
            var ranks = ahead.sum(1).data<long>().ToArray();
            foreach (var r in ranks)
            {
                if (r < 10)
                {
                    hits++;
                    gain += 1 / Math.Log2(r + 2);
                }
            }
        }

        return (hits / users.Length, gain / users.Length);
    }

    /// <summary>Each user's whole history before the validation item, 1-based and padded with 0.</summary>
    private static Tensor HistoryIndex(SequenceCorpus corpus, int[] users)
    {
        var width = users.Max(u => corpus.Items[u].Length - 1);
        var index = new long[users.Length * width];
        for (var r = 0; r < users.Length; r++)
        {
            var seq = corpus.Items[users[r]];
            for (var k = 0; k < seq.Length - 1; k++)
            {
                index[(r * width) + k] = seq[k] + 1;
            }
        }

        return torch.tensor(index).view(users.Length, width);
    }

    private static SequenceEncoder Export(SasRecNetwork network, SequenceCorpus corpus, SequenceModelOptions options)
    {
        using var noGrad = torch.no_grad();
        static float[] Data(Tensor t) => t.detach().contiguous().data<float>().ToArray();
        var blocks = network.Blocks.Select(b => new SequenceEncoder.Block(
            Data(b.AttentionNorm.weight!), Data(b.AttentionNorm.bias!),
            Data(b.Query.weight!), Data(b.Query.bias!),
            Data(b.Key.weight!), Data(b.Key.bias!),
            Data(b.Value.weight!), Data(b.Value.bias!),
            Data(b.Output.weight!), Data(b.Output.bias!),
            Data(b.ForwardNorm.weight!), Data(b.ForwardNorm.bias!),
            Data(b.Inner.weight!), Data(b.Inner.bias!),
            Data(b.Outer.weight!), Data(b.Outer.bias!))).ToArray();
        using var table = network.Table();
        return new SequenceEncoder(
            options.Dimension, options.Heads, options.MaxLength, corpus.ItemCount, corpus.TypeCount,
            Data(table), Data(network.Types.weight!), Data(network.Positions.weight!), blocks,
            Data(network.Final.weight!), Data(network.Final.bias!));
    }

    /// <summary>Largest |served − trained| over the user embeddings of up to 512 validation users.</summary>
    private static GruEncoder Export(GruNetwork network, SequenceCorpus corpus, SequenceModelOptions options)
    {
        using var noGrad = torch.no_grad();
        static float[] Data(Tensor t) => t.detach().contiguous().data<float>().ToArray();
        var weights = network.Gru.named_parameters().ToDictionary(p => p.name, p => Data(p.parameter), StringComparer.Ordinal);
        using var table = network.Table();
        return new GruEncoder(
            options.Dimension, options.MaxLength, corpus.ItemCount, corpus.TypeCount, Data(table), Data(network.Types.weight!),
            weights["weight_ih_l0"], weights["weight_hh_l0"], weights["bias_ih_l0"], weights["bias_hh_l0"]);
    }

    private static double Parity(ISequenceNetwork network, IUserEncoder encoder, SequenceCorpus corpus, int[] users, int maxLength)
    {
        using var noGrad = torch.no_grad();
        using var noGcscope = NoGcRegion.Enter();
        using var scope = torch.NewDisposeScope();
        var sample = users.Take(ValidationChunk).ToArray();
        var (items, types) = InputBatch(corpus, sample, u => corpus.Items[u].Length - 1, maxLength);
        var trained = network.Forward(items, types, network.Table()).select(1, -1).contiguous().data<float>().ToArray();
        var max = 0.0;
        for (var r = 0; r < sample.Length; r++)
        {
            var seq = corpus.Items[sample[r]];
            var served = encoder.Encode(seq.AsSpan(0, seq.Length - 1), corpus.Types[sample[r]].AsSpan(0, seq.Length - 1));
            for (var k = 0; k < served.Length; k++)
            {
                max = Math.Max(max, Math.Abs(served[k] - trained[r * encoder.Dimension + k]));
            }
        }

        return max;
    }
}
