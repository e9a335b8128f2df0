using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Persona.Server.OpenApi;

/// <summary>
/// How a query parameter is described in the API document: its JSON type, range, default and meaning. Handlers take
/// query values as strings (to answer a bad value with a 400 that names the parameter and its range); this is what
/// the document says of them instead of "string". <c>OpenApiTests</c> checks each documented range against the
/// route's answers at its edges.
/// </summary>
public sealed record QueryParameterDoc(string Name, JsonSchemaType Type, string Description)
{
    public double? Minimum { get; init; }

    public double? Maximum { get; init; }

    /// <summary>The minimum itself is refused (ε must be above 0).</summary>
    public bool ExclusiveMinimum { get; init; }

    public JsonNode? Default { get; init; }

    public IReadOnlyList<string>? Values { get; init; }

    public static QueryParameterDoc WholeNumber(string name, string description, long fallback, long min, long max) =>
        new(name, JsonSchemaType.Integer, description) { Minimum = min, Maximum = max, Default = fallback };

    public static QueryParameterDoc Number(string name, string description, double min, double max, bool exclusiveMinimum) =>
        new(name, JsonSchemaType.Number, description) { Minimum = min, Maximum = max, ExclusiveMinimum = exclusiveMinimum };

    public static QueryParameterDoc Boolean(string name, string description, bool fallback) =>
        new(name, JsonSchemaType.Boolean, description) { Default = fallback };

    public static QueryParameterDoc Text(string name, string description, params string[] values) =>
        new(name, JsonSchemaType.String, description) { Values = values.Length == 0 ? null : values, Default = values.Length == 0 ? null : values[0] };

    /// <summary>The parameter's schema.</summary>
    public OpenApiSchema Schema()
    {
        var schema = new OpenApiSchema { Type = Type, Default = Default?.DeepClone() };
        if (Minimum is { } min)
        {
            if (ExclusiveMinimum)
            {
                schema.ExclusiveMinimum = Format(min);
            }
            else
            {
                schema.Minimum = Format(min);
            }
        }

        if (Maximum is { } max)
        {
            schema.Maximum = Format(max);
        }

        if (Values is { } values)
        {
            schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
        }

        return schema;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The documented query parameters of a route (endpoint metadata).</summary>
public sealed record QueryParametersDoc(IReadOnlyList<QueryParameterDoc> Parameters);

/// <summary>Declares a route's query parameters for the API document.</summary>
public static class QueryParameterDocExtensions
{
    public static TBuilder DocumentQuery<TBuilder>(this TBuilder builder, params QueryParameterDoc[] parameters)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new QueryParametersDoc(parameters));
}
