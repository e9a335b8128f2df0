using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Persona.Models.Serving;
using Persona.Models.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Persona.Models.Interest;

/// <summary>
/// Trains the interest MLP with TorchSharp: standardised features → Linear → ReLU → Dropout (per hidden
/// layer) → Linear, plus the copy term over label-aligned blocks (<see cref="InterestNetwork"/>) → softmax
/// cross-entropy, Adam, seeded shuffling and initialisation, early stopping on the validation log loss with
/// the best epoch's weights kept.
/// </summary>
public static class InterestMlpTrainer
{
    /// <param name="train">Training rows.</param>
    /// <param name="validation">Validation rows (early stopping).</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="copyOffsets">Where each label-aligned block of K features starts in a row (empty: a plain MLP).</param>
    /// <param name="progress">Called after each epoch.</param>
    public static TrainedInterestMlp Train(LabelledRows train, LabelledRows validation, InterestMlpOptions options, IReadOnlyList<int> copyOffsets, Action<EpochReport>? progress = null)
    {
        lock (TorchGate.Gate)
        {
            return TrainGated(train, validation, options, copyOffsets, progress);
        }
    }

    [SuppressMessage("Maintainability", "CA1506:Avoid excessive class coupling", Justification = "One TorchSharp training loop (tensors, modules, optimiser, early stopping) under the training gate; its halves share the native resources it disposes")]
    private static TrainedInterestMlp TrainGated(LabelledRows train, LabelledRows validation, InterestMlpOptions options, IReadOnlyList<int> copyOffsets, Action<EpochReport>? progress)
    {
        ArgumentNullException.ThrowIfNull(copyOffsets);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (train.Count == 0 || validation.Count == 0)
        {
            throw new ArgumentException($"interest mlp: training needs rows in both parts (train {train.Count}, validation {validation.Count})");
        }

        if (train.Width != validation.Width || train.Classes != validation.Classes)
        {
            throw new ArgumentException("interest mlp: training and validation rows differ in width or classes");
        }

        if (options.Threads > 0)
        {
            torch.set_num_threads(options.Threads);
        }

        torch.random.manual_seed(options.Seed);
        var standardizer = Standardizer.Fit(train);
        var linears = new List<Linear>();
        var modules = new List<nn.Module<Tensor, Tensor>>();
        var inputs = train.Width;
        foreach (var h in options.Hidden)
        {
            var linear = nn.Linear(inputs, h);
            linears.Add(linear);
            modules.Add(linear);
            modules.Add(nn.ReLU());
            if (options.Dropout > 0)
            {
                modules.Add(nn.Dropout(options.Dropout));
            }

            inputs = h;
        }

        var output = nn.Linear(inputs, train.Classes);
        linears.Add(output);
        modules.Add(output);
        if (copyOffsets.Any(o => o < 0 || o + train.Classes > train.Width))
        {
            throw new ArgumentException($"interest mlp: a copy block of {train.Classes} features starting at {string.Join(", ", copyOffsets)} does not fit in {train.Width}");
        }

        using var network = new InterestNetwork(nn.Sequential([.. modules]), 2 * copyOffsets.Count);
        using var xTrain = Standardised(train, standardizer);
        using var bTrain = Blocks(train, copyOffsets);
        using var bValid = Blocks(validation, copyOffsets);
        using var yTrain = torch.tensor(train.Labels.ToArray().Select(y => (long)y).ToArray());
        using var xValid = Standardised(validation, standardizer);
        using var yValid = torch.tensor(validation.Labels.ToArray().Select(y => (long)y).ToArray());
        using var optimizer = torch.optim.Adam(network.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);

        var rng = new Random(options.Seed);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var epochs = new List<EpochReport>();
        var best = double.PositiveInfinity;
        var bestEpoch = 0;
        List<Tensor>? bestWeights = null;
        for (var epoch = 1; epoch <= options.MaxEpochs && epoch - bestEpoch <= options.Patience; epoch++)
        {
            var watch = Stopwatch.StartNew();
            rng.Shuffle(order);
            network.train();
            double lossSum = 0;
            for (var start = 0; start < order.Length; start += options.BatchSize)
            {
                using var noGcscope = NoGcRegion.Enter();
                using var scope = torch.NewDisposeScope();
                var batch = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start)).ToArray().Select(i => (long)i).ToArray();
                var index = torch.tensor(batch);
                var logits = network.forward(xTrain.index_select(0, index), bTrain.index_select(0, index));
                var loss = nn.functional.cross_entropy(logits, yTrain.index_select(0, index));
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * batch.Length;
            }

            var (validLoss, validTop1) = Evaluate(network, xValid, bValid, yValid);
            var report = new EpochReport(epoch, lossSum / order.Length, validLoss, validTop1, watch.Elapsed.TotalSeconds);
            epochs.Add(report);
            progress?.Invoke(report);
            if (validLoss < best)
            {
                best = validLoss;
                bestEpoch = epoch;
                bestWeights?.ForEach(t => t.Dispose());
                bestWeights = [.. network.parameters().Select(p => p.detach().clone())];
            }
        }

        if (bestWeights is null)
        {
            throw new InvalidOperationException($"interest mlp: training diverged (validation log loss {epochs[^1].ValidationLoss} in every epoch); lower the learning rate");
        }

        using (torch.no_grad())
        {
            foreach (var (p, w) in network.parameters().Zip(bestWeights))
            {
                p.copy_(w);
                w.Dispose();
            }
        }

        network.eval();
        var layers = linears.Select(l => new DenseLayer(
            (int)l.in_features,
            (int)l.out_features,
            l.weight!.detach().data<float>().ToArray(),
            l.bias!.detach().data<float>().ToArray())).ToList();
        var copy = network.CopyWeights;
        var model = new InterestMlp(standardizer, layers, copyOffsets, copy.Take(copyOffsets.Count).ToArray(), copy.Skip(copyOffsets.Count).ToArray());
        return new TrainedInterestMlp(model, Predictions(network, model, validation), epochs, bestEpoch);
    }

    /// <summary>The network's label distributions for rows (rows × K, row-major), for the parity check.</summary>
    private static float[] Predictions(InterestNetwork network, InterestMlp model, LabelledRows rows)
    {
        network.eval();
        using var noGrad = torch.no_grad();
        using var noGcscope = NoGcRegion.Enter();
        using var scope = torch.NewDisposeScope();
        var x = Standardised(rows, model.Standardizer);
        var b = Blocks(rows, model.CopyOffsets);
        return nn.functional.softmax(network.forward(x, b), 1).data<float>().ToArray();
    }

    /// <summary>Mean log loss and top-1 accuracy of a network over standardised rows, in chunks.</summary>
    internal static (double LogLoss, double Top1) Evaluate(InterestNetwork network, Tensor x, Tensor blocks, Tensor y)
    {
        network.eval();
        using var noGrad = torch.no_grad();
        var n = x.shape[0];
        double loss = 0;
        long correct = 0;
        for (long start = 0; start < n; start += 8192)
        {
            using var noGcscope = NoGcRegion.Enter();
            using var scope = torch.NewDisposeScope();
            var length = Math.Min(8192, n - start);
            var logits = network.forward(x.narrow(0, start, length), blocks.narrow(0, start, length));
            var labels = y.narrow(0, start, length);
            loss += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(labels).sum().item<long>();
        }

        return (loss / n, correct / (double)n);
    }

    internal static Tensor Standardised(LabelledRows rows, Standardizer standardizer)
    {
        var x = new float[rows.Count * rows.Width];
        for (var i = 0; i < rows.Count; i++)
        {
            standardizer.Apply(rows.Row(i), x.AsSpan(i * rows.Width, rows.Width));
        }

        return torch.tensor(x, [rows.Count, rows.Width]);
    }

    /// <summary>The label-aligned blocks of each row, raw and as log(max(v, 0) + floor): rows × 2·blocks × K.</summary>
    internal static Tensor Blocks(LabelledRows rows, IReadOnlyList<int> offsets)
    {
        var k = rows.Classes;
        var n = offsets.Count;
        var b = new float[rows.Count * 2 * n * k];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows.Row(i);
            for (var c = 0; c < n; c++)
            {
                var raw = b.AsSpan(((i * 2 * n) + c) * k, k);
                var log = b.AsSpan(((i * 2 * n) + n + c) * k, k);
                row.Slice(offsets[c], k).CopyTo(raw);
                System.Numerics.Tensors.TensorPrimitives.Max(raw, 0f, log);
                System.Numerics.Tensors.TensorPrimitives.Add(log, InterestMlp.CopyLogFloor, log);
                System.Numerics.Tensors.TensorPrimitives.Log(log, log);
            }
        }

        return torch.tensor(b, [rows.Count, 2 * n, k]);
    }
}
