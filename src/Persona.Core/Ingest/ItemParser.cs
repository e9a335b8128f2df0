using System.Text.Json;
using Persona.Core.Catalog;

namespace Persona.Core.Ingest;

/// <summary>Validates catalog records (schema in docs/EVENTS.md).</summary>
public static class ItemParser
{
    public static ParsedBatch<CatalogItem> ParseBody(ReadOnlyMemory<byte> body) => JsonRecords.WithRecords(body, Parse);

    public static ParsedBatch<CatalogItem> Parse(IReadOnlyList<JsonElement> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var accepted = new List<(int, CatalogItem)>(records.Count);
        var rejected = new List<RecordError>();
        var raw = new List<string>();
        for (var i = 0; i < records.Count; i++)
        {
            try
            {
                var f = new FieldReader(records[i]);
                if (!f.IsObject)
                {
                    rejected.Add(new RecordError(i, null, [$"record: must be an object, not {FieldReader.Kind(records[i])}"]));
                    raw.Add(records[i].GetRawText());
                    continue;
                }

                var id = f.Id("itemId", required: true);
                IReadOnlyList<string>? path = null;
                if (f.Get("categoryPath") is { ValueKind: JsonValueKind.String } pathText)
                {
                    path = [.. pathText.GetString()!.Split(['/', '>'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
                }
                else
                {
                    path = f.StringList("categoryPath", 16);
                }

                var brand = f.Text("brand", FieldReader.MaxIdLength);
                var price = f.Number("price", 0, 1e9);
                var tags = f.StringList("tags", 64);
                var title = f.Text("title", 1024);
                var inStock = f.Bool("inStock");
                Dictionary<string, string>? attributes = null;
                if (f.Get("attributes") is { } attrs)
                {
                    if (attrs.ValueKind != JsonValueKind.Object)
                    {
                        f.Errors.Add($"attributes: must be an object, not {FieldReader.Kind(attrs)}");
                    }
                    else
                    {
                        attributes = f.StringMap(attrs, "attributes");
                    }
                }

                if (f.HasErrors)
                {
                    rejected.Add(new RecordError(i, id, f.Errors));
                    raw.Add(records[i].GetRawText());
                    continue;
                }

                accepted.Add((i, new CatalogItem
                {
                    ItemId = id!,
                    CategoryPath = path ?? [],
                    Brand = string.IsNullOrWhiteSpace(brand) ? null : brand.Trim(),
                    Price = price,
                    Tags = tags ?? [],
                    Title = title,
                    InStock = inStock ?? true,
                    Attributes = attributes,
                }));
            }
            catch (InvalidOperationException ex)
            {
                // A string with an unpaired surrogate escape ("\ud800") cannot be read as text: the record, not the batch, is refused.
                rejected.Add(new RecordError(i, null, [JsonRecords.Unreadable(ex)]));
                raw.Add(records[i].GetRawText());
            }
        }

        return new ParsedBatch<CatalogItem>(accepted, rejected, raw);
    }
}
