namespace Persona.Datasets;

/// <summary>The files a dataset path names: a folder (its files matching the format's pattern), a file name pattern with <c>*</c> or <c>?</c> (the matching files of its folder), or one file.</summary>
internal static class DataFiles
{
    public static IReadOnlyList<string> Resolve(string path, string folderPattern)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return [.. Directory.EnumerateFiles(path, folderPattern).Order(StringComparer.Ordinal)];
        }

        var name = Path.GetFileName(path);
        if (name.IndexOfAny(['*', '?']) < 0)
        {
            return [path];
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var files = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, name).Order(StringComparer.Ordinal).ToList() : [];
        return files.Count > 0 ? files : throw new LoaderException($"dataset: no file matches {path}");
    }
}
