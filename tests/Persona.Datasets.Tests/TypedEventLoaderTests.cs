using Persona.Core.Events;

namespace Persona.Datasets.Tests;

/// <summary>
/// The loaders of typed e-commerce events (Online Retail, REES46, Taobao) on their datasets in ../shared/datasets,
/// with the counts each SOURCE.md gives, and on broken lines.
/// </summary>
public sealed class TypedEventLoaderTests
{
    [Fact]
    public void OnlineRetail_FullLog_CustomersPricesQuantitiesAndCancellationsKept()
    {
        var d = OnlineRetailLoader.Load(SharedData.Dataset("online-retail"));

        // SOURCE.md: 541,909 rows, 135,080 without a CustomerID (skipped), 4,372 customers, 4,070 stock codes.
        Assert.Equal(541_909 - 135_080, d.Events.Count);
        Assert.Equal(4_372, d.Users);
        Assert.Equal(4_070, d.Catalog.Count);
        Assert.All(d.Events, e => Assert.Equal((byte)EventType.Purchase, e.Type));
        var first = d.Events[0];
        Assert.Equal(("17850", "536365", "85123A", 6, 2.55, "GBP"), (first.UserId, first.SessionId, first.ItemId, first.Quantity, first.Price, first.Currency));
        Assert.Equal(new DateTimeOffset(2010, 12, 1, 8, 26, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), first.TimestampMs);
        Assert.Equal("United Kingdom", first.Context!.Values!["country"]);
        var cancellations = d.Events.Where(e => e.SessionId!.StartsWith('C')).ToList();
        Assert.NotEmpty(cancellations);
        Assert.All(cancellations, e => Assert.True(e.Quantity < 0, $"{e.EventId}: quantity {e.Quantity}"));
        Assert.Equal("WHITE HANGING HEART T-LIGHT HOLDER", d.Catalog.Single(c => c.ItemId == "85123A").Title);
        Assert.Equal(d.Events.Count, d.Events.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public void Rees46_MultiCategorySlice_TypesCategoryPathsBrandsAndPrices()
    {
        var d = Rees46Loader.Load(Path.Combine(SharedData.Dataset("rees46-multicategory-head-sample"), "2019-Oct_first17434.csv"));

        // SOURCE.md: 17,434 rows, 4,504 users, 6,493 items, 5,066 sessions; view 17,055, cart 165, purchase 214.
        Assert.Equal(17_434, d.Events.Count);
        Assert.Equal((4_504, 6_493, 5_066), (d.Users, d.Items, d.Sessions));
        Assert.Equal(17_055, d.Events.Count(e => e.Type == (byte)EventType.View));
        Assert.Equal(165, d.Events.Count(e => e.Type == (byte)EventType.CartAdd));
        Assert.Equal(214, d.Events.Count(e => e.Type == (byte)EventType.Purchase));
        var heater = d.Catalog.Single(c => c.ItemId == "3900821");
        Assert.Equal(["appliances", "environment", "water_heater"], heater.CategoryPath);
        Assert.Equal(("aqua", 33.20, "2053013552326770905"), (heater.Brand, heater.Price, heater.Attributes!["category_id"]));
        Assert.Equal(115, d.Catalog.Where(c => c.CategoryPath.Count > 0).Select(c => string.Join('.', c.CategoryPath)).Distinct().Count());
    }

    [Fact]
    public void Rees46_Folder_BothFilesWithRemoveFromCart()
    {
        var d = Rees46Loader.Load(SharedData.Dataset("rees46-multicategory-head-sample"));
        Assert.Equal(17_434 + 100, d.Events.Count);
        Assert.Equal(26, d.Events.Count(e => e.Type == (byte)EventType.CartRemove));
    }

    [Fact]
    public void Taobao_UserSlices_TypesAndOneLevelCategories()
    {
        var folder = SharedData.Dataset("taobao-userbehavior-sample");
        var head = TaobaoLoader.Load(Path.Combine(folder, "UserBehavior_head-users.csv"));
        var tail = TaobaoLoader.Load(Path.Combine(folder, "UserBehavior_tail-users.csv"));

        // SOURCE.md: 4,250 + 9,938 rows, 42 + 113 users; pv 3,857 / cart 188 / fav 128 / buy 77 in the head slice.
        Assert.Equal((4_250, 42, 3_220), (head.Events.Count, head.Users, head.Items));
        Assert.Equal((9_938, 113), (tail.Events.Count, tail.Users));
        Assert.Equal(3_857, head.Events.Count(e => e.Type == (byte)EventType.View));
        Assert.Equal(188, head.Events.Count(e => e.Type == (byte)EventType.CartAdd));
        Assert.Equal(77, head.Events.Count(e => e.Type == (byte)EventType.Purchase));
        var favourites = head.Events.Where(e => e.Type == (byte)EventType.Click).ToList();
        Assert.Equal(128, favourites.Count);
        Assert.All(favourites, e => Assert.Equal("fav", e.Context!.Values!["action"]));
        Assert.Equal(566, head.Catalog.Select(c => c.CategoryPath.Single()).Distinct().Count());
        Assert.Equal(1511544070_000, head.Events[0].TimestampMs);
    }

    [Theory]
    [InlineData("online-retail", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,X,six,2010-12-01 08:26:00,2.55,17850.0,UK\n", "data.csv:2: expected InvoiceNo")]
    [InlineData("online-retail", "Invoice,Stock\n", "data.csv:1: expected the header")]
    [InlineData("online-retail", "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n536365,85123A,X,6,2010-12-01 08:26:00,2.55,abc,UK\n", "data.csv:2: CustomerID 'abc' is not a number")]
    [InlineData("rees46", "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n2019-10-01 00:00:00 UTC,like,1,2,,b,1.0,u,s\n", "data.csv:2: expected")]
    [InlineData("rees46", "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n2019-10-01 00:00:00 UTC,view,1,2,,b,-1,u,s\n", "data.csv:2: price '-1' is not a number of 0 or more")]
    [InlineData("taobao", "1,2,3,click,1511544070\n", "data.csv:1: expected 'user_id,item_id,category_id,pv|cart|fav|buy,unix seconds'")]
    [InlineData("taobao", "1,2,3,pv\n", "data.csv:1: expected")]
    public void Load_BrokenLine_RefusedNamingFileAndLine(string format, string content, string expected)
    {
        using var folder = new TempFolder("typed");
        var file = Path.Combine(folder.Path, "data.csv");
        File.WriteAllText(file, content);

        var error = Assert.Throws<LoaderException>(() => DatasetLoader.LoadEvents(format, file));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
