using System.Globalization;
using Persona.Core.Catalog;
using Persona.Core.Events;

namespace Persona.Synthetic;

/// <summary>
/// A seeded synthetic shop: a category tree, brands, log-normal prices, power-law popularity, and users
/// whose latent interests drift at planted change points and who may churn. <see cref="Events"/> streams
/// events in event-time order without holding the stream in memory; users are derived from the seed on
/// demand, so the ground truth costs no memory either.
/// </summary>
public sealed class SyntheticShop
{
    private static readonly string[] Roots = ["Beauty", "Electronics", "Home", "Fashion", "Sports", "Books", "Toys", "Garden", "Grocery", "Health", "Auto", "Pets"];
    private static readonly string[] Devices = ["mobile", "desktop", "tablet"];
    private static readonly string[] Channels = ["web", "app", "email", "ads"];
    private readonly ShopOptions _options;
    private readonly List<CatalogItem> _items = [];
    private readonly int[][] _leafItems;
    private readonly double[][] _leafCumulative;
    private readonly double[] _leafMedian;
    private readonly string[] _leafNames;

    public SyntheticShop(ShopOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RootCategories > Roots.Length || options.Users < 1 || options.Items < 1)
        {
            throw new ArgumentException($"at most {Roots.Length} root categories; at least one user and one item");
        }

        _options = options;
        var rng = new Random(options.Seed);
        var leaves = options.RootCategories * options.ChildCategories * options.LeafCategories;
        _leafNames = new string[leaves];
        var leafPaths = new string[leaves][];
        var leafMu = new double[leaves];
        for (var l = 0; l < leaves; l++)
        {
            var root = l / (options.ChildCategories * options.LeafCategories);
            var child = l / options.LeafCategories % options.ChildCategories;
            var leaf = l % options.LeafCategories;
            leafPaths[l] = [Roots[root], $"{Roots[root]} {(char)('A' + child)}", $"{Roots[root]} {(char)('A' + child)}{leaf + 1}"];
            _leafNames[l] = string.Join('/', leafPaths[l]);
            leafMu[l] = 2 + rng.NextDouble() * 3; // median prices from e^2 ≈ 7 to e^5 ≈ 150
        }

        var perLeaf = Enumerable.Range(0, leaves).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < options.Items; i++)
        {
            var leaf = rng.Next(leaves);
            var price = Math.Round(Math.Exp(leafMu[leaf] + (0.5 * Gaussian(rng))), 2);
            var brand = (int)Math.Min(options.Brands - 1, Math.Floor(options.Brands * Math.Pow(rng.NextDouble(), 2)));
            var tags = new List<string> { leafPaths[leaf][1].ToLowerInvariant().Replace(' ', '-') };
            if (rng.NextDouble() < 0.3)
            {
                tags.Add("sale");
            }

            if (rng.NextDouble() < 0.2)
            {
                tags.Add("eco");
            }

            perLeaf[leaf].Add(i);
            _items.Add(new CatalogItem
            {
                ItemId = ItemId(i),
                CategoryPath = leafPaths[leaf],
                Brand = $"Brand{brand:D3}",
                Price = Math.Max(0.5, price),
                Tags = tags,
                Title = $"{leafPaths[leaf][2]} item {i}",
                InStock = rng.NextDouble() > 0.05,
            });
        }

        _leafItems = new int[leaves][];
        _leafCumulative = new double[leaves][];
        _leafMedian = new double[leaves];
        for (var l = 0; l < leaves; l++)
        {
            // Popularity: Zipf over a random order of the leaf's items.
            var items = perLeaf[l].OrderBy(_ => rng.Next()).ToArray();
            _leafItems[l] = items;
            var cum = new double[items.Length];
            var total = 0.0;
            for (var r = 0; r < items.Length; r++)
            {
                total += 1.0 / Math.Pow(r + 1, 0.9);
                cum[r] = total;
            }

            _leafCumulative[l] = cum;
            var prices = items.Select(i => _items[i].Price!.Value).Order().ToArray();
            _leafMedian[l] = prices.Length == 0 ? 0 : prices[prices.Length / 2];
        }
    }

    public ShopOptions Options => _options;

    public IReadOnlyList<CatalogItem> Catalog => _items;

    /// <summary>Leaf category paths joined with '/', indexed by leaf number.</summary>
    public IReadOnlyList<string> LeafCategories => _leafNames;

    public static string ItemId(int index) => "i" + index.ToString(CultureInfo.InvariantCulture);

    public static string UserId(int index) => "u" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The planted ground truth of user <paramref name="index"/>, derived from the seed.</summary>
    public SyntheticUser User(int index)
    {
        var rng = new Random(Seed(_options.Seed, index, 0x5EED));
        var leaves = _leafNames.Length;
        var interests = Mixture(rng, leaves);
        var horizon = (long)_options.Horizon.TotalMilliseconds;
        var start = _options.Start.ToUnixTimeMilliseconds();
        long? change = null;
        var after = interests;
        if (rng.NextDouble() < _options.DriftShare)
        {
            change = start + (long)(horizon * (0.3 + (0.4 * rng.NextDouble())));
            after = Mixture(rng, leaves);
        }

        long? churn = rng.NextDouble() < _options.ChurnShare ? start + (long)(horizon * (0.4 + (0.6 * rng.NextDouble()))) : null;
        var brands = Enumerable.Range(0, 2).Select(_ => (int)(_options.Brands * Math.Pow(rng.NextDouble(), 2))).Distinct().ToArray();
        return new SyntheticUser(UserId(index), interests, after, change, churn, brands, Math.Exp(0.4 * Gaussian(rng)));
    }

    /// <summary>The event stream, in event-time order, deterministic for the options.</summary>
    public IEnumerable<BehaviorEvent> Events()
    {
        var queue = new PriorityQueue<Pending, (long, int)>();
        var start = _options.Start.ToUnixTimeMilliseconds();
        var gapMs = _options.MeanSessionGap.TotalMilliseconds;
        var first = new Random(_options.Seed ^ 0x1234567);
        for (var u = 0; u < _options.Users; u++)
        {
            // First sessions spread over the first mean gap.
            queue.Enqueue(new Pending(u), (start + (long)(first.NextDouble() * gapMs), u));
        }

        long emitted = 0;
        long eventSeq = 0;
        while (emitted < _options.Events && queue.TryDequeue(out var p, out var when))
        {
            if (p.Remaining is { Count: > 0 } remaining)
            {
                var e = remaining.Dequeue();
                emitted++;
                yield return e;
                if (remaining.Count > 0)
                {
                    queue.Enqueue(p, (remaining.Peek().TimestampMs, p.User));
                }
                else
                {
                    ScheduleNext(queue, p, when.Item1, gapMs);
                }

                continue;
            }

            var user = User(p.User);
            if (user.ChurnMs is { } churn && when.Item1 >= churn)
            {
                continue; // churned: no more sessions
            }

            p.Remaining = Session(user, p.User, p.Session, when.Item1, ref eventSeq);
            queue.Enqueue(p, (when.Item1, p.User));
        }
    }

    private void ScheduleNext(PriorityQueue<Pending, (long, int)> queue, Pending p, long lastMs, double gapMs)
    {
        var rng = new Random(Seed(_options.Seed, p.User, p.Session, 0x6A9));
        p.Session++;
        p.Remaining = null;
        var next = lastMs + (long)(-Math.Log(1 - rng.NextDouble()) * gapMs) + 60_000;
        queue.Enqueue(p, (next, p.User));
    }

    private Queue<BehaviorEvent> Session(SyntheticUser user, int userIndex, int session, long t, ref long eventSeq)
    {
        var rng = new Random(Seed(_options.Seed, userIndex, session));
        var events = new Queue<BehaviorEvent>();
        var sessionId = $"{_options.IdPrefix}s{userIndex}-{session}";
        var device = Devices[userIndex % Devices.Length];
        var context = new EventContext { Device = device, Channel = Channels[rng.Next(Channels.Length)] };
        var mixture = user.InterestsAt(t);
        var leaf = Pick(mixture, rng);
        var seq = eventSeq;
        BehaviorEvent Make(byte type, string? item, long time, double? price = null, int? quantity = null, int? rating = null, string? text = null) => new()
        {
            EventId = _options.IdPrefix + "e" + (seq++).ToString(CultureInfo.InvariantCulture),
            Type = type,
            UserId = user.UserId,
            SessionId = sessionId,
            ItemId = item,
            TimestampMs = time,
            Price = price,
            Quantity = quantity,
            Rating = rating,
            Text = text,
            Context = context,
        };

        if (rng.NextDouble() < _options.SearchProbability)
        {
            events.Enqueue(Make((byte)EventType.Search, null, t, text: _leafNames[leaf].Split('/')[^1]));
            t += 5_000 + rng.Next(20_000);
        }

        var carted = new List<int>();
        do
        {
            if (rng.NextDouble() < 0.25)
            {
                leaf = Pick(mixture, rng);
            }

            var item = PickItem(leaf, user, rng);
            events.Enqueue(Make((byte)EventType.View, ItemId(item), t));
            t += 10_000 + (long)(-Math.Log(1 - rng.NextDouble()) * 50_000);
            if (rng.NextDouble() < _options.CartProbability)
            {
                events.Enqueue(Make((byte)EventType.CartAdd, ItemId(item), t, _items[item].Price, 1));
                carted.Add(item);
                t += 5_000 + rng.Next(30_000);
            }
        }
        while (rng.NextDouble() > 1 / _options.MeanViewsPerSession);

        foreach (var item in carted)
        {
            if (rng.NextDouble() < _options.PurchaseProbability)
            {
                var quantity = rng.NextDouble() < 0.8 ? 1 : 2;
                events.Enqueue(Make((byte)EventType.Purchase, ItemId(item), t, _items[item].Price, quantity));
                t += 2_000 + rng.Next(10_000);
                if (rng.NextDouble() < _options.RatingProbability)
                {
                    var rating = (int)Math.Clamp(Math.Round(4 - Dissatisfaction(user, t) + Gaussian(rng)), 1, 5);
                    events.Enqueue(_options.ReviewShare > 0 && rng.NextDouble() < _options.ReviewShare
                        ? Make((byte)EventType.Review, ItemId(item), t, text: ReviewText(rating, rng))
                        : Make((byte)EventType.Rate, ItemId(item), t, rating: rating));
                    t += 1_000;
                }
            }
        }

        eventSeq = seq;
        return events;
    }

    /// <summary>How many stars the planted dissatisfaction takes off a rating at <paramref name="t"/>: 0 but for churners near their churn date.</summary>
    private double Dissatisfaction(SyntheticUser user, long t)
    {
        if (_options.PlantedDissatisfaction <= 0 || user.ChurnMs is not { } churn)
        {
            return 0;
        }

        var window = _options.DissatisfactionDays * 86_400_000;
        return _options.PlantedDissatisfaction * Math.Clamp((t - (churn - window)) / window, 0, 1);
    }

    private static readonly string[][] Phrases =
    [
        ["broke after a week", "very disappointed", "poor quality", "waste of money", "returned it", "does not work", "terrible fit"],
        ["it is ok", "does the job", "average", "as expected", "nothing special"],
        ["great quality", "love it", "works perfectly", "excellent value", "highly recommend", "very happy with it", "fits well"],
    ];

    /// <summary>A review in words for <paramref name="stars"/>: one or two phrases of its tone, and one in five times a phrase of a random tone.</summary>
    private static string ReviewText(int stars, Random rng)
    {
        var tone = stars <= 2 ? 0 : stars == 3 ? 1 : 2;
        var words = new List<string> { Phrases[tone][rng.Next(Phrases[tone].Length)] };
        if (rng.NextDouble() < 0.5)
        {
            words.Add(Phrases[tone][rng.Next(Phrases[tone].Length)]);
        }

        if (rng.NextDouble() < 0.2)
        {
            var other = Phrases[rng.Next(Phrases.Length)];
            words.Add(other[rng.Next(other.Length)]);
        }

        return string.Join(", ", words) + ".";
    }

    private int PickItem(int leaf, SyntheticUser user, Random rng)
    {
        var items = _leafItems[leaf];
        if (items.Length == 0)
        {
            return rng.Next(_items.Count);
        }

        var cum = _leafCumulative[leaf];
        var best = -1;
        var bestScore = double.MinValue;
        for (var c = 0; c < 3; c++)
        {
            var x = rng.NextDouble() * cum[^1];
            var r = Array.BinarySearch(cum, x);
            var item = items[Math.Min(items.Length - 1, r < 0 ? ~r : r)];
            var ci = _items[item];
            var brandMatch = user.Brands.Contains(int.Parse(ci.Brand!.AsSpan(5), CultureInfo.InvariantCulture)) ? 1.0 : 0.0;
            var score = brandMatch - Math.Abs(Math.Log(ci.Price!.Value / (_leafMedian[leaf] * user.PriceLevel))) + (0.5 * rng.NextDouble());
            if (score > bestScore)
            {
                bestScore = score;
                best = item;
            }
        }

        return best;
    }

    private static IReadOnlyList<(int Leaf, double Weight)> Mixture(Random rng, int leaves)
    {
        var k = 1 + rng.Next(3);
        var picked = new List<(int, double)>();
        var total = 0.0;
        for (var i = 0; i < k; i++)
        {
            var leaf = rng.Next(leaves);
            if (picked.Any(p => p.Item1 == leaf))
            {
                continue;
            }

            var w = -Math.Log(1 - rng.NextDouble());
            picked.Add((leaf, w));
            total += w;
        }

        return [.. picked.Select(p => (p.Item1, p.Item2 / total)).OrderByDescending(p => p.Item2)];
    }

    private static int Pick(IReadOnlyList<(int Leaf, double Weight)> mixture, Random rng)
    {
        var x = rng.NextDouble();
        foreach (var (leaf, w) in mixture)
        {
            x -= w;
            if (x <= 0)
            {
                return leaf;
            }
        }

        return mixture[^1].Leaf;
    }

    /// <summary>A deterministic seed from several ints (SplitMix64 finaliser); HashCode is randomised per process.</summary>
    private static int Seed(params int[] parts)
    {
        ulong h = 0x9E3779B97F4A7C15;
        foreach (var p in parts)
        {
            h ^= (uint)p;
            h += 0x9E3779B97F4A7C15;
            h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9;
            h = (h ^ (h >> 27)) * 0x94D049BB133111EB;
            h ^= h >> 31;
        }

        return (int)(h & 0x7FFFFFFF);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private sealed class Pending(int user)
    {
        public int User { get; } = user;

        public int Session { get; set; }

        public Queue<BehaviorEvent>? Remaining { get; set; }
    }
}
