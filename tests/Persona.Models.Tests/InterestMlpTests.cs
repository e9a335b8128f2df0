using Persona.Models.Interest;
using Persona.Models.Serving;
using Persona.Models.Training;

namespace Persona.Models.Tests;

public sealed class InterestMlpTests
{
    [Fact]
    public void Train_LearnableRule_BeatsThePriorByFar()
    {
        var (train, valid) = (Rows(4_000, seed: 1), Rows(1_000, seed: 2));
        var reports = new List<EpochReport>();
        var trained = InterestMlpTrainer.Train(train, valid, new InterestMlpOptions { MaxEpochs = 15, Threads = 1 }, [], reports.Add);
        var test = Rows(1_000, seed: 3);
        var correct = Enumerable.Range(0, test.Count).Count(i => ArgMax(trained.Model.Predict(test.Row(i))) == test.Labels[i]);
        Assert.True(correct > 850, $"{correct} of 1000 right"); // the prior's best guess is right about 250 times
        Assert.Equal(reports, trained.Epochs);
        Assert.Equal(reports.MinBy(r => r.ValidationLoss)!.Epoch, trained.BestEpoch);
        Assert.True(reports[^1].TrainLoss < reports[0].TrainLoss);
    }

    [Fact]
    public void Predict_ServedModel_MatchesTorchWithin1e5()
    {
        var (train, valid) = (Rows(2_000, seed: 4), Rows(500, seed: 5));
        var trained = InterestMlpTrainer.Train(train, valid, new InterestMlpOptions { Hidden = [32, 16], MaxEpochs = 3, Threads = 1 }, [4]);
        Assert.Equal(valid.Count * 4, trained.TorchValidationPredictions.Length);
        Assert.InRange(trained.ParityMaxAbsDiff(valid), 0f, 1e-5f);
        Assert.Equal([4], trained.Model.CopyOffsets);
        Assert.NotEqual(1f, trained.Model.CopyWeights[0]); // trained away from its start
        Assert.NotEqual(1f, trained.Model.CopyLogWeights[0]);
    }

    [Fact]
    public void Train_SameSeedOneThread_SameWeights()
    {
        var (train, valid) = (Rows(1_000, seed: 6), Rows(200, seed: 7));
        var options = new InterestMlpOptions { Hidden = [16], MaxEpochs = 2, Threads = 1, Seed = 9 };
        var a = InterestMlpTrainer.Train(train, valid, options, []);
        var b = InterestMlpTrainer.Train(train, valid, options, []);
        Assert.Equal(a.Model.Layers[0].Weights, b.Model.Layers[0].Weights);
        Assert.Equal(a.Model.Layers[^1].Bias, b.Model.Layers[^1].Bias);
        var c = InterestMlpTrainer.Train(train, valid, options with { Seed = 10 }, []);
        Assert.NotEqual(a.Model.Layers[0].Weights, c.Model.Layers[0].Weights);
    }

    [Fact]
    public void Train_LabelIsItsBlocksArgmax_CopyTermCarriesIt()
    {
        // 12 classes; features 0..11 are a one-hot "last label" that equals the label 70 % of the time, the
        // rest is noise. With only 600 rows the copy term (one weight) learns what 12 separate mappings would.
        var (train, valid, test) = (CopyRows(600, 1), CopyRows(300, 2), CopyRows(2_000, 3));
        var copy = InterestMlpTrainer.Train(train, valid, new InterestMlpOptions { MaxEpochs = 30, Threads = 1 }, [0]);
        var right = Enumerable.Range(0, test.Count).Count(i => ArgMax(copy.Model.Predict(test.Row(i))) == test.Labels[i]);
        Assert.InRange(right, 1_300, 1_500); // 70 % follow the one-hot; the rest are unpredictable
        // The copy term alone moves the one-hot label's logit by w + v · (log 1.01 − log 0.01) against the rest.
        var pull = copy.Model.CopyWeights[0] + (copy.Model.CopyLogWeights[0] * Math.Log(1.01 / 0.01));
        Assert.True(pull > 2, $"copy weights {copy.Model.CopyWeights[0]}, {copy.Model.CopyLogWeights[0]}");
    }

    [Fact]
    public void SaveLoad_RoundTrip_SamePredictions()
    {
        var model = SmallModel();
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = InterestMlp.Load(stream);
        var x = new float[] { 0.5f, -1, 2 };
        Assert.Equal(model.Predict(x), loaded.Predict(x));
    }

    [Fact]
    public void Load_DamagedFiles_InvalidDataWithCause()
    {
        using var good = new MemoryStream();
        SmallModel().Save(good);
        var bytes = good.ToArray();
        Assert.Equal("interest mlp: not a Persona MLP weights file", Load([0, 1, 2, 3, .. bytes[4..]]).Message);
        Assert.StartsWith("interest mlp: the weights file is damaged", Load(bytes[..^3]).Message, StringComparison.Ordinal);
        Assert.Equal("interest mlp: bytes after the copy weights", Load([.. bytes, 0]).Message);
        var otherVersion = bytes.ToArray();
        otherVersion[4] = 9;
        Assert.Equal("interest mlp: weights format 9, this build reads 1", Load(otherVersion).Message);

        static InvalidDataException Load(byte[] b) => Assert.Throws<InvalidDataException>(() => InterestMlp.Load(new MemoryStream(b)));
    }

    [Fact]
    public void Predict_HandWeights_ExactSoftmax()
    {
        // x standardised by mean 1, scale 0.5 → (0, 1, 0.5); hidden ReLU(I x + (0, -2)) = (0, 0)... then
        // logits = bias (1, 0): softmax (e/(e+1), 1/(e+1)).
        var model = SmallModel();
        var p = model.Predict([1, 3, 2]);
        Assert.Equal((float)(Math.E / (Math.E + 1)), p[0], 6);
        Assert.Equal((float)(1 / (Math.E + 1)), p[1], 6);

        // The copy term adds 0.5 × the raw features 1..2 (3, 2) and 0.25 × their log(v + 0.01).
        p = SmallModel(copyWeight: 0.5f, copyLogWeight: 0.25f).Predict([1, 3, 2]);
        var l0 = 1 + 1.5 + (0.25 * Math.Log(3.01));
        var l1 = 0 + 1 + (0.25 * Math.Log(2.01));
        Assert.Equal((float)(Math.Exp(l0) / (Math.Exp(l0) + Math.Exp(l1))), p[0], 6);
    }

    [Fact]
    public void Validate_BadOptions_EveryProblemNamed()
    {
        var ex = Assert.Throws<ArgumentException>(() => new InterestMlpOptions { Hidden = [], Dropout = 1, LearningRate = 0, BatchSize = 0 }.Validate());
        Assert.Equal("interest mlp options: hidden: 1 to 4 layers of 1..4096 units; dropout: within [0, 1); learningRate: within (0, 1]; batchSize: within 1..65536", ex.Message);
    }

    /// <summary>3 inputs → 2 hidden (ReLU) → 2 classes, with hand-set weights.</summary>
    private static InterestMlp SmallModel(float copyWeight = 0, float copyLogWeight = 0) => new(
        new Standardizer([1, 1, 1], [0.5f, 0.5f, 0.5f]),
        [
            new DenseLayer(3, 2, [1, 0, 0, 0, 1, 0], [0, -2]),
            new DenseLayer(2, 2, [1, 1, 0, 0], [1, 0]),
        ],
        [1],
        [copyWeight],
        [copyLogWeight]);

    /// <summary>Rows of 10 features whose label (4 classes) is the argmax of the first four plus a little noise.</summary>
    private static LabelledRows Rows(int n, int seed)
    {
        var rng = new Random(seed);
        var rows = new LabelledRows(10, 4);
        var x = new float[10];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < x.Length; j++)
            {
                x[j] = (float)((rng.NextDouble() * 4) - 2);
            }

            var label = Enumerable.Range(0, 4).MaxBy(k => x[k] + (0.1 * ((rng.NextDouble() * 2) - 1)));
            rows.Add(x, label);
        }

        return rows;
    }

    private static LabelledRows CopyRows(int n, int seed)
    {
        var rng = new Random(seed);
        var rows = new LabelledRows(16, 12);
        var x = new float[16];
        for (var i = 0; i < n; i++)
        {
            Array.Clear(x);
            var label = rng.Next(12);
            x[rng.NextDouble() < 0.7 ? label : rng.Next(12)] = 1;
            for (var j = 12; j < 16; j++)
            {
                x[j] = (float)rng.NextDouble();
            }

            rows.Add(x, label);
        }

        return rows;
    }

    private static int ArgMax(float[] p) => Array.IndexOf(p, p.Max());
}
