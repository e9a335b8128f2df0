using Persona.Models.Training;

namespace Persona.Models.Sentiment;

/// <summary>
/// Trains a <see cref="SentimentModel"/> on reviews with stars: a search over <see cref="SentimentOptions"/>
/// scored on the validation reviews only, then the chosen settings trained again on training and validation
/// reviews together. Sparse AdaGrad with L2 applied to the weights a review touches; the review order of each
/// epoch comes from the seed, so the same reviews and options give the same weights.
/// </summary>
public static class SentimentTrainer
{
    public static TrainedSentiment Train(IReadOnlyList<LabelledReview> train, IReadOnlyList<LabelledReview> validation, SentimentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        options ??= new SentimentOptions();
        options.Validate();
        Require(train, "training");
        Require(validation, "validation");

        var trials = new List<Trial>();
        foreach (var bigrams in options.Bigrams)
        {
            var trainX = Featurise(train, options.Bits, bigrams);
            var validationX = Featurise(validation, options.Bits, bigrams);
            foreach (var lexicon in options.Lexicon)
            {
                foreach (var l2 in options.L2)
                {
                    var (auc, aucEpochs) = Search(train, trainX, validation, validationX, options, l2, lexicon, logistic: true);
                    var (mae, maeEpochs) = Search(train, trainX, validation, validationX, options, l2, lexicon, logistic: false);
                    trials.Add(new Trial(bigrams, lexicon, l2, auc, aucEpochs, mae, maeEpochs));
                }
            }
        }

        var pleased = trials.OrderByDescending(t => t.Auc).ThenBy(t => trials.IndexOf(t)).First();
        var stars = trials.Where(t => t.Bigrams == pleased.Bigrams).OrderBy(t => t.Mae).ThenBy(t => trials.IndexOf(t)).First();

        var all = train.Concat(validation).ToList();
        var allX = Featurise(all, options.Bits, pleased.Bigrams);
        var positive = new Head(options.Bits, 0, pleased.Lexicon);
        var starsHead = new Head(options.Bits, all.Average(r => (double)r.Stars), stars.Lexicon);
        for (var epoch = 0; epoch < pleased.AucEpochs; epoch++)
        {
            positive.Epoch(all, allX, options, pleased.L2, logistic: true, epoch);
        }

        for (var epoch = 0; epoch < stars.MaeEpochs; epoch++)
        {
            starsHead.Epoch(all, allX, options, stars.L2, logistic: false, epoch);
        }

        var model = new SentimentModel(
            options.Bits, pleased.Bigrams, positive.Weights, (float)positive.Bias, starsHead.Weights, (float)starsHead.Bias, (float)positive.LexiconWeight, (float)starsHead.LexiconWeight);
        return new TrainedSentiment(model, pleased.Lexicon, pleased.L2, pleased.AucEpochs, pleased.Auc, stars.Lexicon, stars.L2, stars.MaeEpochs, stars.Mae, trials.Count);
    }

    private static void Require(IReadOnlyList<LabelledReview> reviews, string part)
    {
        if (!reviews.Any(r => r.IsPolar && r.Pleased == 1) || !reviews.Any(r => r.IsPolar && r.Pleased == 0))
        {
            throw new ArgumentException($"sentiment: the {part} reviews need both pleased (4–5 stars) and displeased (1–2 stars) ones");
        }
    }

    private static SparseText[] Featurise(IReadOnlyList<LabelledReview> reviews, int bits, bool bigrams)
    {
        var x = new SparseText[reviews.Count];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = HashedNgrams.Of(reviews[i].Text, bits, bigrams);
        }

        return x;
    }

    /// <summary>Trains one head until its validation score stops improving: the best score and the epochs that reached it.</summary>
    private static (double Score, int Epochs) Search(
        IReadOnlyList<LabelledReview> train, SparseText[] trainX, IReadOnlyList<LabelledReview> validation, SparseText[] validationX, SentimentOptions options, double l2, bool lexicon, bool logistic)
    {
        var head = new Head(options.Bits, logistic ? 0 : train.Average(r => (double)r.Stars), lexicon);
        var best = logistic ? double.NegativeInfinity : double.PositiveInfinity;
        var bestEpochs = 1;
        for (var epoch = 0; epoch < options.MaxEpochs && epoch - bestEpochs < options.Patience; epoch++)
        {
            head.Epoch(train, trainX, options, l2, logistic, epoch);
            var score = logistic ? Auc(head, validation, validationX) : Mae(head, validation, validationX);
            if (logistic ? score > best : score < best)
            {
                (best, bestEpochs) = (score, epoch + 1);
            }
        }

        return (best, bestEpochs);
    }

    private static double Auc(Head head, IReadOnlyList<LabelledReview> reviews, SparseText[] x)
    {
        var p = new List<double>();
        var y = new List<int>();
        for (var i = 0; i < reviews.Count; i++)
        {
            if (reviews[i].IsPolar)
            {
                p.Add(1 / (1 + Math.Exp(-head.Raw(x[i]))));
                y.Add(reviews[i].Pleased);
            }
        }

        return BinaryMetrics.Auc(p, y);
    }

    private static double Mae(Head head, IReadOnlyList<LabelledReview> reviews, SparseText[] x)
    {
        double sum = 0;
        for (var i = 0; i < reviews.Count; i++)
        {
            sum += Math.Abs(Math.Clamp(head.Raw(x[i]), 1, 5) - reviews[i].Stars);
        }

        return sum / reviews.Count;
    }

    private sealed record Trial(bool Bigrams, bool Lexicon, double L2, double Auc, int AucEpochs, double Mae, int MaeEpochs);

    /// <summary>One linear head and its AdaGrad accumulators.</summary>
    private sealed class Head(int bits, double bias, bool lexicon)
    {
        private readonly float[] _squares = new float[1 << bits];
        private double _biasSquares;
        private double _lexiconSquares;

        public float[] Weights { get; } = new float[1 << bits];

        public double Bias { get; private set; } = bias;

        public double LexiconWeight { get; private set; }

        public double Raw(SparseText x)
        {
            var z = Bias + (LexiconWeight * x.Lexicon);
            foreach (var j in x.Indices)
            {
                z += Weights[j] * x.Value;
            }

            return z;
        }

        public void Epoch(IReadOnlyList<LabelledReview> reviews, SparseText[] x, SentimentOptions options, double l2, bool logistic, int epoch)
        {
            var order = Enumerable.Range(0, reviews.Count).ToArray();
            new Random(HashCode.Combine(options.Seed, epoch)).Shuffle(order);
            var rate = options.LearningRate;
            foreach (var i in order)
            {
                if (logistic && !reviews[i].IsPolar)
                {
                    continue;
                }

                var z = Raw(x[i]);
                var g = logistic ? (1 / (1 + Math.Exp(-z))) - reviews[i].Pleased : z - reviews[i].Stars;
                foreach (var j in x[i].Indices)
                {
                    var gj = (g * x[i].Value) + (l2 * Weights[j]);
                    _squares[j] += (float)(gj * gj);
                    Weights[j] -= (float)(rate * gj / Math.Sqrt(_squares[j] + 1e-8));
                }

                _biasSquares += g * g;
                Bias -= rate * g / Math.Sqrt(_biasSquares + 1e-8);
                if (lexicon)
                {
                    var gl = g * x[i].Lexicon;
                    _lexiconSquares += gl * gl;
                    LexiconWeight -= rate * gl / Math.Sqrt(_lexiconSquares + 1e-8);
                }
            }
        }
    }
}

/// <summary>
/// A trained sentiment model and how it was chosen: for each head whether it weighs the lexicon score, the L2
/// strength and epochs kept, and its validation score in the search (AUC of "pleased", mean absolute error of stars).
/// </summary>
public sealed record TrainedSentiment(
    SentimentModel Model,
    bool PositiveLexicon,
    double PositiveL2,
    int PositiveEpochs,
    double ValidationAuc,
    bool StarsLexicon,
    double StarsL2,
    int StarsEpochs,
    double ValidationMae,
    int Trials);
