namespace Persona.TestData;

/// <summary>
/// Finds <c>shared/datasets</c> beside the repository (or under <c>PERSONA_SHARED_DIR</c>, which
/// <c>.ci/run</c> sets for a clone made away from it); read-only, never copied into the repository.
/// </summary>
internal static class SharedData
{
    public static string Dataset(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "datasets", name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        if (Environment.GetEnvironmentVariable("PERSONA_SHARED_DIR") is { Length: > 0 } shared
            && Path.Combine(shared, "datasets", name) is var configured && Directory.Exists(configured))
        {
            return configured;
        }

        throw new DirectoryNotFoundException($"shared/datasets/{name} not found above {AppContext.BaseDirectory} nor under PERSONA_SHARED_DIR");
    }
}
