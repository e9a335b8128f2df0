
namespace Persona.Datasets.Tests;

/// <summary>RetailRocket's item_properties and category_tree files (not in shared/: fixtures in their layout).</summary>
public sealed class RetailRocketCatalogTests
{
    [Fact]
    public void Load_PropertySnapshots_NewestCategoryAndAvailabilityWin()
    {
        using var folder = new TempFolder("rr");
        var dir = Fixture(folder.Path);
        var catalog = RetailRocketCatalog.Load(dir).ToDictionary(c => c.ItemId);

        Assert.Equal(3, catalog.Count);
        Assert.Equal(["c1", "c10", "c100"], catalog["460429"].CategoryPath); // part2 moved it from 10 to 100
        Assert.False(catalog["460429"].InStock);
        Assert.Equal(["c1", "c10"], catalog["206783"].CategoryPath);
        Assert.True(catalog["206783"].InStock);
        Assert.Empty(catalog["395014"].CategoryPath); // only availability known
    }

    [Fact]
    public void Load_EventsFolderWithProperties_EventsAndCatalog()
    {
        using var folder = new TempFolder("rr");
        var dir = Fixture(folder.Path);
        File.WriteAllLines(Path.Combine(dir, "events.csv"),
        [
            "timestamp,visitorid,event,itemid,transactionid",
            "1433221332117,257597,view,460429,",
            "1433224214164,992329,addtocart,206783,",
        ]);

        var data = RetailRocketLoader.Load(dir);

        Assert.Equal(2, data.Events.Count);
        Assert.Equal(3, data.Catalog.Count);
    }

    [Fact]
    public void Load_MalformedPropertyLine_ReportsFileAndLine()
    {
        using var folder = new TempFolder("rr");
        var dir = Fixture(folder.Path);
        File.AppendAllLines(Path.Combine(dir, "item_properties_part2.csv"), ["1442113200000,460429,categoryid,abc"]);

        var ex = Assert.Throws<LoaderException>(() => RetailRocketCatalog.Load(dir));

        Assert.Equal("item_properties_part2.csv:4: categoryid 'abc' is not a number", ex.Message);
    }

    private static string Fixture(string dir)
    {
        File.WriteAllLines(Path.Combine(dir, "category_tree.csv"), ["categoryid,parentid", "1,", "10,1", "100,10", "7,7"]);
        File.WriteAllLines(Path.Combine(dir, "item_properties_part1.csv"),
        [
            "timestamp,itemid,property,value",
            "1435460400000,460429,categoryid,10",
            "1441508400000,206783,888,1116713 960601 n277.200",
            "1439089200000,206783,categoryid,10",
            "1431226800000,395014,available,1",
            "1431226800000,460429,available,1",
        ]);
        File.WriteAllLines(Path.Combine(dir, "item_properties_part2.csv"),
        [
            "timestamp,itemid,property,value",
            "1442113200000,460429,categoryid,100",
            "1442113200000,460429,available,0",
        ]);
        return dir;
    }
}
