using System.Text.Json;
using System.Text.Json.Serialization;

namespace Persona.LoadTest;

/// <summary>The service's JSON conventions (web names, nulls left out), for the catalog bodies posted.</summary>
internal static class Json
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };
}
