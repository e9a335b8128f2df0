using System.Text.Json;
using Persona.Serving.Hosting;

namespace Persona.Serving.Segments;

/// <summary>
/// The segment definitions in the data directory (<c>segments.json</c>). A save writes a temporary file, flushes
/// it to disk and renames it over the old one, so a crash leaves either the old file or the new one whole.
/// </summary>
public sealed class SegmentFile(string dataDirectory) : ISegmentDefinitionStore
{
    public const string FileName = "segments.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = System.IO.Path.Combine(dataDirectory, FileName);

    public string Where => Path;

    /// <summary>False: the file is this process's alone.</summary>
    public bool IsShared => false;

    /// <summary>Writes the whole list in force (a file is rewritten whole).</summary>
    public void Put(SegmentDefinition definition, IReadOnlyList<SegmentDefinition> all) => Save(all);

    public void Delete(string name, IReadOnlyList<SegmentDefinition> all) => Save(all);

    /// <summary>The saved definitions, or none when there is no file; a damaged file is an error naming it.</summary>
    public IReadOnlyList<SegmentDefinition> Load()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<SegmentDefinition>>(File.ReadAllBytes(Path), Json) ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path}: not a segment list ({ex.Message})", ex);
        }
    }

    public void Save(IReadOnlyList<SegmentDefinition> definitions)
    {
        DurableFile.Replace(Path, stream => JsonSerializer.Serialize(stream, definitions, Json));
    }
}
