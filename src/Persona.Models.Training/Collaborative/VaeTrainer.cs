using System.Diagnostics;
using Persona.Models.Serving;
using Persona.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Persona.Models.Collaborative;

/// <summary>
/// Trains the Mult-VAE: multinomial log-likelihood of each user's item set plus the KL term with its weight
/// annealed (<see cref="VaeOptions.AnnealCap"/>), Adam, seeded initialisation, sampling and batch order.
/// A seeded <see cref="VaeOptions.ValidationFraction"/> of each user's items is held out; each epoch ranks
/// all items the user has not had against them (NDCG@10), and training stops after
/// <see cref="VaeOptions.Patience"/> epochs without a better one. With <see cref="VaeOptions.Refit"/> a new
/// network then trains on all items for the best epoch count (the held-out items are too many to leave
/// out of the final model); otherwise the best epoch's weights are kept.
/// </summary>
public static class VaeTrainer
{
    private const int Chunk = 512;

    /// <summary>Trains on per-user item sets (repeats count once) over items 0..<paramref name="itemCount"/>-1, reporting each epoch to <paramref name="progress"/>.</summary>
    public static TrainedVae Train(IReadOnlyList<int[]> userItems, int itemCount, VaeOptions options, Action<VaeEpochReport>? progress = null)
    {
        lock (TorchGate.Gate)
        {
            return TrainGated(userItems, itemCount, options, progress);
        }
    }

    private static TrainedVae TrainGated(IReadOnlyList<int[]> userItems, int itemCount, VaeOptions options, Action<VaeEpochReport>? progress)
    {
        ArgumentNullException.ThrowIfNull(userItems);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(itemCount, 2);
        var total = Stopwatch.StartNew();
        var sets = userItems.Select(s => s.Distinct().Order().ToArray()).ToArray();
        if (sets.Any(s => s.Any(i => (uint)i >= (uint)itemCount)))
        {
            throw new ArgumentException($"vae: an item id outside 0..{itemCount - 1}");
        }

        var rng = new Random(options.Seed);
        var inputs = new int[sets.Length][];
        var held = new int[sets.Length][];
        for (var u = 0; u < sets.Length; u++)
        {
            var shuffled = sets[u].OrderBy(_ => rng.Next()).ToArray();
            var cut = shuffled.Length < 2 ? 0 : Math.Max(1, (int)Math.Round(shuffled.Length * options.ValidationFraction));
            held[u] = [.. shuffled.Take(cut).Order()];
            inputs[u] = [.. shuffled.Skip(cut).Order()];
        }

        var validUsers = Enumerable.Range(0, sets.Length).Where(u => held[u].Length > 0 && inputs[u].Length > 0).ToArray();
        var trainUsers = Enumerable.Range(0, sets.Length).Where(u => inputs[u].Length > 0).ToArray();
        if (validUsers.Length == 0)
        {
            throw new ArgumentException("vae: no user has two or more items to validate on");
        }

        if (options.Threads > 0)
        {
            torch.set_num_threads(options.Threads);
        }

        var epochs = new List<VaeEpochReport>();
        torch.random.manual_seed(options.Seed);
        var network = new VaeNetwork(itemCount, options);
        var (bestEpoch, bestNdcg) = Fit(network, inputs, trainUsers, itemCount, options, options.MaxEpochs, held, validUsers, rng, epochs, progress);
        if (options.Refit)
        {
            network.Dispose();
            return Refit(sets, itemCount, options, bestEpoch, bestNdcg, epochs, total, progress);
        }

        using (network)
        {
            network.eval();
            var model = Export(network);
            var parity = Parity(network, model, sets, itemCount);
            return new TrainedVae(model, epochs, bestEpoch, bestNdcg, parity, total.Elapsed.TotalSeconds);
        }
    }

    /// <summary>
    /// Trains a new network on all of each user's items for a fixed number of epochs (chosen before on
    /// validation); <paramref name="validationNdcg10"/> is that choice's score, carried into the result.
    /// </summary>
    public static TrainedVae TrainFor(IReadOnlyList<int[]> userItems, int itemCount, VaeOptions options, int epochs, double validationNdcg10, Action<VaeEpochReport>? progress = null)
    {
        lock (TorchGate.Gate)
        {
            return TrainForGated(userItems, itemCount, options, epochs, validationNdcg10, progress);
        }
    }

    private static TrainedVae TrainForGated(IReadOnlyList<int[]> userItems, int itemCount, VaeOptions options, int epochs, double validationNdcg10, Action<VaeEpochReport>? progress)
    {
        ArgumentNullException.ThrowIfNull(userItems);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        var sets = userItems.Select(s => s.Distinct().Order().ToArray()).ToArray();
        if (sets.Any(s => s.Any(i => (uint)i >= (uint)itemCount)))
        {
            throw new ArgumentException($"vae: an item id outside 0..{itemCount - 1}");
        }

        if (options.Threads > 0)
        {
            torch.set_num_threads(options.Threads);
        }

        return Refit(sets, itemCount, options, epochs, validationNdcg10, [], Stopwatch.StartNew(), progress);
    }

    private static TrainedVae Refit(int[][] sets, int itemCount, VaeOptions options, int epochCount, double validationNdcg10, List<VaeEpochReport> epochs, Stopwatch total, Action<VaeEpochReport>? progress)
    {
        torch.random.manual_seed(options.Seed);
        using var network = new VaeNetwork(itemCount, options);
        var allUsers = Enumerable.Range(0, sets.Length).Where(u => sets[u].Length > 0).ToArray();
        Fit(network, sets, allUsers, itemCount, options, epochCount, null, [], new Random(options.Seed + 1), epochs, progress);
        network.eval();
        var model = Export(network);
        var parity = Parity(network, model, sets, itemCount);
        return new TrainedVae(model, epochs, epochCount, validationNdcg10, parity, total.Elapsed.TotalSeconds);
    }

    /// <summary>Trains for up to <paramref name="maxEpochs"/>; with validation, stops early and restores the best weights.</summary>
    private static (int BestEpoch, double BestNdcg) Fit(VaeNetwork network, int[][] rows, int[] users, int itemCount, VaeOptions options, int maxEpochs, int[][]? held, int[] validUsers, Random rng, List<VaeEpochReport> epochs, Action<VaeEpochReport>? progress)
    {
        using var optimizer = torch.optim.Adam(network.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        var order = (int[])users.Clone();
        long step = 0;
        var best = double.NegativeInfinity;
        var bestEpoch = 0;
        List<Tensor>? bestWeights = null;
        for (var epoch = 1; epoch <= maxEpochs && (held is null || epoch - bestEpoch <= options.Patience); epoch++)
        {
            var watch = Stopwatch.StartNew();
            network.train();
            rng.Shuffle(order);
            double lossSum = 0;
            var beta = 0.0;
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                using var noGcscope = NoGcRegion.Enter();
                using var scope = torch.NewDisposeScope();
                var batch = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start)).ToArray();
                var x = Dense(rows, batch, itemCount);
                beta = Math.Min(options.AnnealCap, (double)step / options.AnnealSteps);
                var (logits, kl) = network.Forward(x);
                var nll = (nn.functional.log_softmax(logits, 1) * x).sum(1).mean().neg();
                var loss = nll + (kl.mean() * beta);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                step++;
                lossSum += loss.item<float>() * batch.Length;
            }

            var ndcg = held is null ? double.NaN : Validate(network, rows, held, validUsers, itemCount);
            var report = new VaeEpochReport(epochs.Count(e => e.Refit == (held is null)) + 1, lossSum / order.Length, beta, ndcg, watch.Elapsed.TotalSeconds, held is null);
            epochs.Add(report);
            progress?.Invoke(report);
            if (double.IsNaN(report.TrainLoss))
            {
                throw new InvalidOperationException("vae: training diverged (the loss is NaN); lower the learning rate");
            }

            if (held is not null && ndcg > best)
            {
                best = ndcg;
                bestEpoch = epoch;
                bestWeights?.ForEach(t => t.Dispose());
                bestWeights = [.. network.parameters().Select(p => p.detach().clone())];
            }
        }

        if (bestWeights is not null)
        {
            using (torch.no_grad())
            {
                foreach (var (p, w) in network.parameters().Zip(bestWeights))
                {
                    p.copy_(w);
                    w.Dispose();
                }
            }
        }

        return (held is null ? maxEpochs : bestEpoch, best);
    }

    /// <summary>Multi-hot rows [users, items].</summary>
    private static Tensor Dense(int[][] rows, ReadOnlySpan<int> users, int itemCount)
    {
        var values = new float[users.Length * itemCount];
        for (var r = 0; r < users.Length; r++)
        {
            foreach (var i in rows[users[r]])
            {
                values[(r * itemCount) + i] = 1f;
            }
        }

        return torch.tensor(values).view(users.Length, itemCount);
    }

    /// <summary>Mean NDCG@10 of the held-out items, ranking all items not in the input.</summary>
    private static double Validate(VaeNetwork network, int[][] inputs, int[][] held, int[] users, int itemCount)
    {
        network.eval();
        using var noGrad = torch.no_grad();
        double sum = 0;
        for (var start = 0; start < users.Length; start += Chunk)
        {
            using var noGcscope = NoGcRegion.Enter();
            using var scope = torch.NewDisposeScope();
            var chunk = users.AsSpan(start, Math.Min(Chunk, users.Length - start)).ToArray();
            var logits = network.Forward(Dense(inputs, chunk, itemCount)).Logits.contiguous().data<float>().ToArray();
            for (var r = 0; r < chunk.Length; r++)
            {
                var scores = logits.AsSpan(r * itemCount, itemCount);
                foreach (var i in inputs[chunk[r]])
                {
                    scores[i] = float.NegativeInfinity;
                }

                sum += Ndcg(scores, held[chunk[r]], 10);
            }
        }

        return sum / users.Length;
    }

    /// <summary>NDCG@k with binary gains of a relevant set (sorted) under the scores (ties by item order).</summary>
    internal static double Ndcg(ReadOnlySpan<float> scores, int[] relevant, int k)
    {
        var top = new List<int>(k + 1);
        for (var i = 0; i < scores.Length; i++)
        {
            if (top.Count < k || scores[i] > scores[top[^1]])
            {
                var at = top.Count;
                while (at > 0 && scores[top[at - 1]] < scores[i])
                {
                    at--;
                }

                top.Insert(at, i);
                if (top.Count > k)
                {
                    top.RemoveAt(k);
                }
            }
        }

        double dcg = 0, ideal = 0;
        for (var r = 0; r < top.Count; r++)
        {
            if (Array.BinarySearch(relevant, top[r]) >= 0)
            {
                dcg += 1 / Math.Log2(r + 2);
            }
        }

        for (var r = 0; r < Math.Min(k, relevant.Length); r++)
        {
            ideal += 1 / Math.Log2(r + 2);
        }

        return ideal == 0 ? 0 : dcg / ideal;
    }

    private static CollaborativeVae Export(VaeNetwork network)
    {
        using var noGrad = torch.no_grad();
        static DenseLayer Layer(TorchSharp.Modules.Linear l, long rows) => new(
            (int)l.in_features,
            (int)rows,
            l.weight!.narrow(0, 0, rows).contiguous().data<float>().ToArray(),
            l.bias!.narrow(0, 0, rows).contiguous().data<float>().ToArray());
        return new CollaborativeVae(
            Layer(network.Encoder, network.Encoder.out_features),
            Layer(network.Latent, network.Latent.out_features / 2),
            Layer(network.Decoder, network.Decoder.out_features),
            Layer(network.Output, network.Output.out_features));
    }

    /// <summary>Largest |served − trained| logit over up to 256 users.</summary>
    private static double Parity(VaeNetwork network, CollaborativeVae model, int[][] rows, int itemCount)
    {
        using var noGrad = torch.no_grad();
        using var noGcscope = NoGcRegion.Enter();
        using var scope = torch.NewDisposeScope();
        var users = Enumerable.Range(0, rows.Length).Where(u => rows[u].Length > 0).Take(256).ToArray();
        var trained = network.Forward(Dense(rows, users, itemCount)).Logits.contiguous().data<float>().ToArray();
        var served = new float[itemCount];
        var max = 0.0;
        for (var r = 0; r < users.Length; r++)
        {
            model.Score(model.Encode(rows[users[r]]), served);
            for (var i = 0; i < itemCount; i++)
            {
                max = Math.Max(max, Math.Abs(served[i] - trained[(r * itemCount) + i]));
            }
        }

        return max;
    }
}
