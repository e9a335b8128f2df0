using Persona.Core.Events;
using Persona.Evaluation.Recommenders;

namespace Persona.Evaluation.Protocols;

/// <summary>
/// Session-based next-item evaluation as in GRU4Rec, NARM, STAMP and SR-GNN (and session-rec's
/// "evaluation by all positions"): models train on the training sessions; for every test session and every
/// position after the first, the model sees the session so far and ranks <b>all</b> training items for the
/// next click (items already clicked in the session are not removed: repeat clicks are common).
/// Test clicks on items absent from training are dropped first, then sessions shorter than two clicks.
/// HR@K (the papers' Recall@K / P@K) and MRR@K over all predictions, for K = 5, 10, 20.
/// </summary>
public static class SessionProtocol
{
    public static readonly int[] Ks = [5, 10, 20];

    public static (SortedDictionary<string, double> Metrics, int Sessions, int Predictions) Run(
        SequenceDataset train, IReadOnlyList<IReadOnlyList<string>> testSessions, ISequenceModel model)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(testSessions);
        ArgumentNullException.ThrowIfNull(model);
        model.Fit(train, train.Sequences);
        var index = new Dictionary<string, int>(train.Items, StringComparer.Ordinal);
        for (var i = 0; i < train.Items; i++)
        {
            index[train.ItemIds[i]] = i;
        }

        var metrics = new RankingMetrics(Ks);
        var scores = new float[train.Items];
        var sessions = 0;
        for (var s = 0; s < testSessions.Count; s++)
        {
            var clicks = testSessions[s].Where(index.ContainsKey).Select((item, t) => new Interaction(-1, index[item], t)).ToArray();
            if (clicks.Length < 2)
            {
                continue;
            }

            sessions++;
            for (var p = 1; p < clicks.Length; p++)
            {
                model.Score(-1 - s, clicks.AsSpan(0, p), scores);
                var target = clicks[p].Item;
                var value = scores[target];
                var rank = 1;
                for (var i = 0; i < scores.Length; i++)
                {
                    if (scores[i] > value || (scores[i] == value && i < target))
                    {
                        rank++;
                    }
                }

                metrics.Add(rank);
            }
        }

        return (metrics.Result(), sessions, metrics.Count);
    }

    /// <summary>
    /// Training sessions and test sessions for the session protocol: a folder with session-rec's prepared
    /// <c>*_train_full.txt</c> and <c>*_test.txt</c> keeps that split; otherwise the sessions that start in
    /// the data's last day are the test sessions. Training sequences are sessions (a user's sessions are not
    /// joined).
    /// </summary>
    public static (SequenceDataset Train, IReadOnlyList<IReadOnlyList<string>> Test) LoadSplit(string format, string path)
    {
        EventDataset train;
        IReadOnlyList<IReadOnlyList<string>> test;
        var testFile = format == "yoochoose" && Directory.Exists(path) ? Directory.EnumerateFiles(path, "*_test.txt").FirstOrDefault() : null;
        if (testFile is not null)
        {
            train = YooChooseLoader.Load(path);
            test = [.. Sessions(YooChooseLoader.Read(testFile)).Select(ItemIds)];
        }
        else
        {
            (train, test) = SplitByTime(DatasetLoader.LoadEvents(format, path));
        }

        var bySession = new EventDataset
        {
            Name = train.Name,
            Catalog = train.Catalog,
            Events = [.. train.Events.Select(e => e.SessionId is null ? e : e with { UserId = e.SessionId })],
        };
        return (bySession.ToSequences(), test);
    }

    /// <summary>
    /// A time split of session data (session-rec's "last day as test"): sessions that start within the last
    /// <paramref name="testDays"/> of the data are the test sessions, the rest are training.
    /// </summary>
    public static (EventDataset Train, IReadOnlyList<IReadOnlyList<string>> Test) SplitByTime(EventDataset data, double testDays = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sessions = Sessions(data.Events);
        var end = sessions.Count == 0 ? 0 : sessions.Max(s => s[^1].TimestampMs);
        var cut = end - (long)(testDays * 86_400_000);
        var train = sessions.Where(s => s[0].TimestampMs < cut).SelectMany(s => s).ToList();
        var test = sessions.Where(s => s[0].TimestampMs >= cut).Select(ItemIds).ToList();
        return (new EventDataset { Name = data.Name, Events = train, Catalog = data.Catalog }, test);
    }

    /// <summary>The item events grouped by session (the user when there is none), each in event-time order.</summary>
    public static List<List<BehaviorEvent>> Sessions(IEnumerable<BehaviorEvent> events) =>
        [.. events.Where(e => e.ItemId is not null).GroupBy(e => e.SessionId ?? e.UserId, StringComparer.Ordinal).Select(g => g.OrderBy(e => e.TimestampMs).ToList())];

    /// <summary>A session's clicked items, in order.</summary>
    public static IReadOnlyList<string> ItemIds(List<BehaviorEvent> session) => [.. session.Select(e => e.ItemId!)];
}
