using Microsoft.Extensions.Logging.Abstractions;
using Persona.Recommend.Feedback;
using Persona.Serving.Recommendations;

namespace Persona.Server.Tests;

public sealed class ImpressionLogTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "persona-impressions-" + Guid.NewGuid().ToString("N"));

    private static readonly Impression First = new("r1", "u1", "blend:heuristic", "exp-1", "treatment", ["a", "b", "c"], 1_700_000_000_000)
    {
        Features = [[1f, 0.5f, -2.25f, float.MaxValue], null, [0f, 1e-7f, 3f, 4f]],
    };

    private static readonly Impression Second = new("r2", "ü2", "blend:heuristic+sequence@v3", null, null, ["d"], 1_700_000_000_001);

    [Fact]
    public async Task ReadBack_BinaryLogWithTornLastRecord_EveryWholeRecordReadBack()
    {
        await Write(First, Second);
        await File.AppendAllBytesAsync(Path.Combine(_dir, "impressions.bin"), [200, 0, 0, 0, 1, 2]); // a length and part of a record

        var read = ImpressionLog.ReadBack(_dir).ToList();

        Assert.Equal(2, read.Count);
        AssertSame(First, read[0]);
        AssertSame(Second, read[1]);
    }

    [Fact]
    public async Task Append_AfterATornRecord_TornRecordCutAndNewRecordsReadBack()
    {
        await Write(First);
        await File.AppendAllBytesAsync(Path.Combine(_dir, "impressions.bin"), [200, 0, 0, 0, 1, 2]);

        await Write(Second);

        var read = ImpressionLog.ReadBack(_dir).ToList();
        Assert.Equal(["r1", "r2"], read.Select(i => i.RecommendationId));
        AssertSame(Second, read[1]);
    }

    [Fact]
    public async Task ReadBack_JsonLinesOfEarlierVersionsAndBinary_JsonLinesFirst()
    {
        Directory.CreateDirectory(_dir);
        await File.WriteAllTextAsync(Path.Combine(_dir, "impressions.jsonl"), """{"recommendationId":"old","userId":"u0","model":"m","items":["x"],"atMs":5,"features":[[1,2]]}""" + "\n");
        await Write(First);

        var read = ImpressionLog.ReadBack(_dir).ToList();

        Assert.Equal(["old", "r1"], read.Select(i => i.RecommendationId));
        Assert.Equal([1f, 2f], read[0].Features![0]!);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private async Task Write(params Impression[] impressions)
    {
        var log = new ImpressionLog(_dir, NullLogger.Instance);
        foreach (var impression in impressions)
        {
            log.Append(impression);
        }

        await log.DisposeAsync();
    }

    private static void AssertSame(Impression expected, Impression actual)
    {
        Assert.Equal(expected.RecommendationId, actual.RecommendationId);
        Assert.Equal(expected.UserId, actual.UserId);
        Assert.Equal(expected.Model, actual.Model);
        Assert.Equal(expected.Experiment, actual.Experiment);
        Assert.Equal(expected.Variant, actual.Variant);
        Assert.Equal(expected.Items, actual.Items);
        Assert.Equal(expected.AtMs, actual.AtMs);
        if (expected.Features is null)
        {
            Assert.Null(actual.Features);
            return;
        }

        Assert.Equal(expected.Features.Count, actual.Features!.Count);
        for (var p = 0; p < expected.Features.Count; p++)
        {
            Assert.Equal(expected.Features[p], actual.Features[p]);
        }
    }
}
