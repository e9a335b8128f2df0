using Persona.Core.Events;

namespace Persona.Core.Features.Families;

/// <summary>Money: monetary value, mean order value and units (log1p), and the price level (mean log price ratio, within ±5).</summary>
internal sealed class MoneyFeatures : IFeatureFamily
{
    public IReadOnlyList<string> Names { get; } = ["monetary.log", "order.value.log", "units.log", "price.level.log"];

    public void Write(in FeatureInput input, ref FeatureWriter w)
    {
        var state = input.State;
        var purchases = state.FindType((byte)EventType.Purchase);
        var orders = purchases < 0 ? 0 : state.TypeSlots[purchases].Count;
        w.Log(Math.Max(0, state.Monetary));
        w.Log(orders > 0 ? Math.Max(0, state.Monetary / orders) : 0);
        w.Log(Math.Max(0, state.Units));
        w.Put(state.PriceLogRatioCount > 0 ? Math.Clamp(state.PriceLogRatioSum / state.PriceLogRatioCount, -5, 5) : 0);
    }
}
