namespace Persona.Evaluation.Tests;

/// <summary>Finds <c>../shared/datasets</c> beside the repository (read-only; never copied into it).</summary>
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

        throw new DirectoryNotFoundException($"shared/datasets/{name} not found above {AppContext.BaseDirectory}");
    }
}
