using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Persona.Server.OpenApi;

/// <summary>
/// Completes the API document where the route table alone says too little: query parameters, which handlers take as
/// strings to answer a bad value with a 400 naming it, get their real types, ranges and defaults
/// (<see cref="QueryParameterDoc"/>). Bodies and answers are declared on each route (<c>Accepts</c>,
/// <c>Produces</c>, <c>ProducesProblem</c>).
/// </summary>
internal static class OpenApiDocumentation
{
    public static OpenApiOptions AddPersonaDocumentation(this OpenApiOptions options)
    {
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            foreach (var doc in metadata.OfType<QueryParametersDoc>().SelectMany(d => d.Parameters))
            {
                operation.Parameters ??= [];
                var existing = operation.Parameters.FirstOrDefault(p => p.Name == doc.Name && p.In == ParameterLocation.Query);
                if (existing is not null)
                {
                    operation.Parameters.Remove(existing);
                }

                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = doc.Name,
                    In = ParameterLocation.Query,
                    Required = false,
                    Description = doc.Description,
                    Schema = doc.Schema(),
                });
            }

            return Task.CompletedTask;
        });
        return options;
    }
}
