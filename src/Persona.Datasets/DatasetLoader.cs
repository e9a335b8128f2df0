namespace Persona.Datasets;

/// <summary>Picks the loader for a format name (as on the command line).</summary>
public static class DatasetLoader
{
    public static IReadOnlyList<string> Formats { get; } = ["canonical", "s3rec", "movielens", "sasrec", "yoochoose", "diginetica", "retailrocket", "otto", "online-retail", "rees46", "taobao", "amazon-reviews", "labelled-sentences"];

    /// <summary>The dataset as canonical events (sequence formats get their synthesised times).</summary>
    public static EventDataset LoadEvents(string format, string path) => format switch
    {
        "canonical" => CanonicalLoader.Load(path),
        "yoochoose" => YooChooseLoader.Load(path),
        "diginetica" => DigineticaLoader.Load(path),
        "retailrocket" => RetailRocketLoader.Load(path),
        "otto" => OttoLoader.Load(path),
        "online-retail" => OnlineRetailLoader.Load(path),
        "rees46" => Rees46Loader.Load(path),
        "taobao" => TaobaoLoader.Load(path),
        "amazon-reviews" => AmazonReviewsLoader.Load(path),
        "labelled-sentences" => LabelledSentencesLoader.Load(path),
        "sasrec" => SasRecLoader.Load(path),
        "s3rec" or "movielens" => FromSequences(format == "s3rec" ? S3RecLoader.Load(path) : MovieLensLoader.Load(path), format == "s3rec" ? Core.Events.EventType.Purchase : Core.Events.EventType.Rate),
        _ => throw new ArgumentException($"format: '{format}' is not one of {string.Join(", ", Formats)}", nameof(format)),
    };

    /// <summary>
    /// Streams the events of a format (memory independent of file size for the event formats; the
    /// sequence formats s3rec and movielens are read whole, then streamed) with the catalog it carries.
    /// </summary>
    public static (IEnumerable<Core.Events.BehaviorEvent> Events, IReadOnlyList<Core.Catalog.CatalogItem> Catalog) Stream(string format, string path) => format switch
    {
        "canonical" => (CanonicalLoader.Read(path), CanonicalLoader.ReadCatalog(path)),
        "yoochoose" => (YooChooseLoader.Read(path), []),
        "diginetica" => (DigineticaLoader.Read(path), []),
        "retailrocket" => (RetailRocketLoader.Read(path), RetailRocketLoader.Catalog(path)),
        "otto" => (OttoLoader.Read(path), []),
        "online-retail" => (OnlineRetailLoader.Read(path), OnlineRetailLoader.Catalog(path)),
        "rees46" => (Rees46Loader.Read(path), Rees46Loader.Catalog(path)),
        "taobao" => (TaobaoLoader.Read(path), TaobaoLoader.Catalog(path)),
        "amazon-reviews" => (AmazonReviewsLoader.Read(path), AmazonReviewsLoader.Catalog(path)),
        "labelled-sentences" => (LabelledSentencesLoader.Read(path), []),
        "sasrec" => (SasRecLoader.Read(path), []),
        _ => LoadEvents(format, path) is var d ? (d.Events, d.Catalog) : default,
    };

    /// <summary>The dataset as per-user item sequences, for the ranking protocols.</summary>
    public static SequenceDataset LoadSequences(string format, string path) => format switch
    {
        "s3rec" => S3RecLoader.Load(path),
        "movielens" => MovieLensLoader.Load(path),
        _ => LoadEvents(format, path).ToSequences(),
    };

    private static EventDataset FromSequences(SequenceDataset d, Core.Events.EventType type) => new()
    {
        Name = d.Name,
        Catalog = d.Catalog,
        Events = [.. d.Sequences.SelectMany(s => s).Select((x, i) => new Core.Events.BehaviorEvent
        {
            EventId = $"{d.Name}:{i}",
            Type = (byte)type,
            UserId = d.UserIds[x.User],
            ItemId = d.ItemIds[x.Item],
            TimestampMs = x.TimeMs,
            Rating = type == Core.Events.EventType.Rate ? Stars(x.Rating ?? throw new LoaderException($"{d.Name}: a rating is missing for user {d.UserIds[x.User]}, item {d.ItemIds[x.Item]}")) : null,
        })],
    };

    /// <summary>
    /// A rating as the canonical event's whole stars 1–5: half stars (ml-latest) round half away from zero,
    /// so 0.5 is 1 and 4.5 is 5; the sequence keeps the exact value.
    /// </summary>
    public static int Stars(float rating) => Math.Clamp((int)MathF.Round(rating, MidpointRounding.AwayFromZero), 1, 5);
}
