using System.Text.Json;
using System.Text.Json.Serialization;

namespace Persona.Serving;

/// <summary>
/// How served documents are written: the web defaults (camelCase), nulls left out, non-finite numbers as names.
/// The HTTP API and the command line write with these settings, so both print the same document.
/// </summary>
public static class ServingJson
{
    /// <summary>Applies the serving settings to <paramref name="options"/> (e.g. the HTTP API's).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        return options;
    }

    /// <summary>New options with the serving settings; <paramref name="indented"/> for people reading a terminal.</summary>
    public static JsonSerializerOptions Create(bool indented = false) =>
        Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = indented });
}
