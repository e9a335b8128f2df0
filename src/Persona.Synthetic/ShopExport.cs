using System.Text.Json;
using Persona.Core.Events;
using Persona.Core.Ingest;

namespace Persona.Synthetic;

/// <summary>
/// Writes a synthetic shop as canonical NDJSON (events.ndjson, catalog.ndjson) with its planted ground truth
/// beside it (truth.ndjson: each user's interests before and after the change point, the change point, the
/// churn date, preferred brands and price level). Streams: memory does not grow with the number of events.
/// </summary>
public static class ShopExport
{
    /// <summary>Writes the three files into <paramref name="folder"/> (which must exist); returns the number of events written.</summary>
    public static long Write(SyntheticShop shop, string folder)
    {
        ArgumentNullException.ThrowIfNull(shop);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        using (var catalog = new StreamWriter(Path.Combine(folder, "catalog.ndjson")))
        {
            foreach (var item in shop.Catalog)
            {
                catalog.WriteLine(JsonSerializer.Serialize(item, options));
            }
        }

        var count = WriteEvents(shop, Path.Combine(folder, "events.ndjson"));
        using var truth = new StreamWriter(Path.Combine(folder, "truth.ndjson"));
        for (var u = 0; u < shop.Options.Users; u++)
        {
            truth.WriteLine(JsonSerializer.Serialize(Truth(shop, shop.User(u)), options));
        }

        return count;
    }

    private static long WriteEvents(SyntheticShop shop, string path)
    {
        long count = 0;
        var types = new EventTypes();
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream);
        foreach (var e in shop.Events())
        {
            CanonicalJson.Write(writer, e, types);
            writer.Flush();
            stream.WriteByte((byte)'\n');
            writer.Reset();
            count++;
        }

        return count;
    }

    /// <summary>A user's planted ground truth, as one line of truth.ndjson.</summary>
    private static object Truth(SyntheticShop shop, SyntheticUser t) => new
    {
        userId = t.UserId,
        interests = t.Interests.Select(i => new { category = shop.LeafCategories[i.Leaf], weight = Math.Round(i.Weight, 6) }),
        changePoint = t.ChangePointMs is { } c ? DateTimeOffset.FromUnixTimeMilliseconds(c) : (DateTimeOffset?)null,
        interestsAfterChange = t.ChangePointMs is null ? null : t.InterestsAfterChange.Select(i => new { category = shop.LeafCategories[i.Leaf], weight = Math.Round(i.Weight, 6) }),
        churn = t.ChurnMs is { } ch ? DateTimeOffset.FromUnixTimeMilliseconds(ch) : (DateTimeOffset?)null,
        brands = t.Brands.Select(b => $"Brand{b:D3}"),
        priceLevel = Math.Round(t.PriceLevel, 4),
    };
}
