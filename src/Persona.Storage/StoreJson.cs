using System.Text.Json;

namespace Persona.Storage;

/// <summary>The JSON settings of every record the store keeps as JSON (items, user records, dead letters, metadata).</summary>
internal static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
