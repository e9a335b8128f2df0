
namespace Persona.Datasets.Tests;

public sealed class S3RecLoaderTests
{
    [Fact]
    public void Load_Beauty_CountsMatchSourceMd()
    {
        var d = S3RecLoader.Load(SharedData.Dataset("amazon-beauty"));
        Assert.Equal("Beauty", d.Name);
        Assert.Equal(22_363, d.Users);
        Assert.Equal(12_101, d.Items);
        Assert.Equal(198_502, d.Interactions);
        Assert.Equal(5, d.Sequences.Min(s => s.Length));
        Assert.Equal(637, d.Catalog.SelectMany(c => c.Tags).Distinct().Count());
    }

    [Fact]
    public void Load_MainFile_SameAsFolderAndTimesMonotone()
    {
        var folder = SharedData.Dataset("amazon-beauty");
        var d = S3RecLoader.Load(Path.Combine(folder, "Beauty.txt"));
        Assert.Equal(198_502, d.Interactions);
        Assert.All(d.Sequences, s => Assert.True(s.Zip(s.Skip(1)).All(p => p.First.TimeMs < p.Second.TimeMs)));
    }

    [Fact]
    public void Load_MalformedLine_ReportsLineNumber()
    {
        var path = Path.Combine(Path.GetTempPath(), "persona-bad-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllLines(path, ["1 2 3", "2 x 4"]);
        try
        {
            var ex = Assert.Throws<LoaderException>(() => S3RecLoader.Load(path));
            Assert.Contains(":2:", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
