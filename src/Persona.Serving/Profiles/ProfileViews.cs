using System.Text.Json;
using Persona.Core.Engine;
using Persona.Core.Pipeline;
using Persona.Core.Views;
using Persona.Models.Serving;
using Persona.Serving.ModelHosting;

namespace Persona.Serving.Profiles;

/// <summary>
/// Builds a user's served profile: the engine's view at the clock's now and, with models in service, their
/// predictions (reused from the cache while the model set, the profile's log position and the minute are the
/// same; otherwise the features are taken under the same hold of the state as the view, and the models run
/// after it is released). <c>GET /v1/users/{id}/profile</c> and the segment rules read the same thing through it.
/// </summary>
public sealed class ProfileViews(IProfileStore store, ProfileReader reader, TimeProvider clock, ModelHost models, PredictionCache cache)
{
    private readonly JsonSerializerOptions _json = ServingJson.Create();

    /// <summary>The profile as served with <paramref name="k"/> interests per kind, or null for an unknown user.</summary>
    public ServedProfile? Read(string userId, int k = 10, bool explain = false)
    {
        var set = models.Current;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var minute = now / 60_000;
        var read = store.Read(userId, s =>
        {
            var v = reader.Read(s, store.Catalog, now, k);
            if (set.IsEmpty)
            {
                return new ProfileRead(v, s.AppliedSeq, null, null);
            }

            return cache.TryGet(userId, set.Id, s.AppliedSeq, minute, out var cached)
                ? new ProfileRead(v, s.AppliedSeq, cached, null)
                : new ProfileRead(v, s.AppliedSeq, null, set.Capture(s, store.Catalog, now));
        });
        if (read is null)
        {
            return null;
        }

        var view = read.View;
        if (read.Inputs is { } inputs)
        {
            var predictions = set.Predict(inputs, view.RecentItems);
            cache.Set(userId, set.Id, minute, predictions);
            view = view with { Predictions = predictions };
        }
        else if (read.Cached is { } cachedPredictions)
        {
            view = view with { Predictions = cachedPredictions };
        }

        if (explain)
        {
            var history = store.History(userId);
            var explained = store.Read(userId, s => reader.Explain(s, history, store.Catalog, now, Math.Min(k, 5)));
            view = view with { Explain = explained };
        }

        return new ServedProfile(view, read.Position);
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with every user's served profile (<paramref name="k"/> interests per kind),
    /// in ordinal user-id order; the ids are collected first, so no profile is read inside the store's visit.
    /// </summary>
    public int VisitProfiles(Action<ServedProfile> visit, int k = 3, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var users = new List<string>();
        store.VisitUsers(users.Add);
        users.Sort(StringComparer.Ordinal);
        var visited = 0;
        foreach (var user in users)
        {
            ct.ThrowIfCancellationRequested();
            if (Read(user, k) is { } served)
            {
                visit(served);
                visited++;
            }
        }

        return visited;
    }

    /// <summary>The view as the HTTP API serialises it (camelCase, nulls omitted), for rules over its fields.</summary>
    public JsonElement ToJson(ProfileView view) => JsonSerializer.SerializeToElement(view, _json);

    private sealed record ProfileRead(ProfileView View, long Position, PredictionsView? Cached, ModelInputs? Inputs);
}

/// <summary>A served profile and the log position of the newest event it reflects.</summary>
public sealed record ServedProfile(ProfileView View, long Position);
