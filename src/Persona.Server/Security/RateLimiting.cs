using System.Globalization;
using System.Threading.RateLimiting;
using Persona.Serving.Access;

namespace Persona.Server.Security;

/// <summary>
/// Rate limits per key and scope (<see cref="AccessOptions.RateLimits"/>): a token bucket per (key, the route's
/// scope) holding two seconds' worth of requests and refilled every second. A request over the limit gets 429
/// problem+json with <c>Retry-After</c> (whole seconds). Requests let in without a key are not limited.
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddPersonaRateLimits(this IServiceCollection services, AccessOptions access)
    {
        ArgumentNullException.ThrowIfNull(access);
        return services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, access));
            o.OnRejected = (rejected, ct) => Reject(rejected.HttpContext, rejected.Lease, access);
        });
    }

    private static RateLimitPartition<string> Partition(HttpContext context, AccessOptions access)
    {
        if (context.Items[AccessMiddleware.KeyItem] is not ApiKey key || context.Items[nameof(RequiredScope)] is not string scope)
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        var perSecond = access.RateLimits.GetValueOrDefault(scope);
        return perSecond <= 0
            ? RateLimitPartition.GetNoLimiter(string.Empty)
            : RateLimitPartition.GetTokenBucketLimiter($"{key.Id}/{scope}", _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = 2 * perSecond,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
    }

    private static async ValueTask Reject(HttpContext http, RateLimitLease lease, AccessOptions access)
    {
        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
        http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        var scope = http.Items[nameof(RequiredScope)] as string ?? "?";
        await TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests",
            detail: $"this key's limit for the '{scope}' scope is {access.RateLimits.GetValueOrDefault(scope)} requests per second; retry after {retry} s",
            type: "https://persona.dev/problems/rate-limited").ExecuteAsync(http);
    }
}
