using Persona.Core.Events;

namespace Persona.Datasets.Tests;

/// <summary>Each loader on its dataset in ../shared/datasets, with the counts its SOURCE.md gives.</summary>
public sealed class SessionLoaderTests
{
    [Theory]
    [InlineData("yoochoose-clicks-100k_train_full.txt", 70_278, 17_794, 2_933)]
    [InlineData("yoochoose-clicks-100k_test.txt", 13_568, 3_416, 1_771)]
    [InlineData("yoochoose-clicks-100k_train_tr.txt", 53_254, 13_629, 2_873)]
    [InlineData("yoochoose-clicks-100k_train_valid.txt", 16_539, 4_084, 2_029)]
    [InlineData("sample_yoochoose-clicks.dat", 1_913, 461, 907)]
    public void YooChoose_File_CountsMatchSourceMd(string file, int rows, int sessions, int items)
    {
        var d = YooChooseLoader.Load(Path.Combine(SharedData.Dataset("yoochoose-rsc15-sample"), file));
        Assert.Equal(rows, d.Events.Count);
        Assert.Equal(sessions, d.Sessions);
        Assert.Equal(items, d.Items);
        Assert.All(d.Events, e => Assert.Equal((byte)EventType.View, e.Type));
    }

    [Fact]
    public void YooChoose_Folder_LoadsTrainFull()
    {
        Assert.Equal(70_278, YooChooseLoader.Load(SharedData.Dataset("yoochoose-rsc15-sample")).Events.Count);
    }

    [Fact]
    public void Diginetica_Sample_CountsMatchSourceMd()
    {
        var d = DigineticaLoader.Load(SharedData.Dataset("diginetica-sample"));
        Assert.Equal(12_391, d.Events.Count);
        Assert.Equal(2_986, d.Sessions);
        Assert.Equal(7_139, d.Items);
        Assert.Equal(1_270, d.Events.Where(e => !e.UserId.StartsWith('s')).Select(e => e.UserId).Distinct().Count());
        Assert.Equal(new DateTimeOffset(2016, 1, 3, 0, 0, 0, TimeSpan.Zero), DateTimeOffset.FromUnixTimeMilliseconds(d.Events.Min(e => e.TimestampMs)).Date);
    }

    [Fact]
    public void RetailRocket_PreparedSample_CountsMatchSourceMd()
    {
        var d = RetailRocketLoader.Load(SharedData.Dataset("retailrocket-sample"));
        Assert.Equal(10_080, d.Events.Count);
        Assert.Equal(2_496, d.Users);
        Assert.Equal(5_566, d.Items);
        Assert.Equal(2_950, d.Sessions);
    }

    [Fact]
    public void RetailRocket_NativeLayout_MapsEventTypes()
    {
        var path = Path.Combine(Path.GetTempPath(), "persona-rr-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllLines(path, ["timestamp,visitorid,event,itemid,transactionid", "1433221332117,257597,view,355908,", "1433224214164,257597,addtocart,355908,", "1433224614164,257597,transaction,355908,4000"]);
        try
        {
            var d = RetailRocketLoader.Load(path);
            Assert.Equal([(byte)EventType.View, (byte)EventType.CartAdd, (byte)EventType.Purchase], d.Events.Select(e => e.Type));
            Assert.Equal(1433221332117, d.Events[0].TimestampMs);
            File.AppendAllLines(path, ["1433224614164,257597,teleport,355908,"]);
            Assert.Contains(":5:", Assert.Throws<LoaderException>(() => RetailRocketLoader.Load(path)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Otto_Sample_CountsMatchSourceMd()
    {
        var d = OttoLoader.Load(SharedData.Dataset("otto-sample"));
        Assert.Equal(862, d.Events.Count);
        Assert.Equal(20, d.Sessions);
        Assert.Equal(510, d.Items);
        Assert.Equal(800, d.Events.Count(e => e.Type == (byte)EventType.Click));
        Assert.Equal(52, d.Events.Count(e => e.Type == (byte)EventType.CartAdd));
        Assert.Equal(10, d.Events.Count(e => e.Type == (byte)EventType.Purchase));
    }

    [Fact]
    public void SasRec_UserItemLines_MonotoneTimesPerUser()
    {
        var path = Path.Combine(Path.GetTempPath(), "persona-sasrec-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllLines(path, ["1 10", "1 11", "2 10", "1 12"]);
        try
        {
            var d = SasRecLoader.Load(path);
            var seq = d.ToSequences();
            Assert.Equal(2, seq.Users);
            Assert.Equal(3, seq.Items);
            Assert.Equal(["10", "11", "12"], seq.Sequences[0].Select(x => seq.ItemIds[x.Item]));
            File.AppendAllLines(path, ["3"]);
            Assert.Contains(":5:", Assert.Throws<LoaderException>(() => SasRecLoader.Load(path)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
