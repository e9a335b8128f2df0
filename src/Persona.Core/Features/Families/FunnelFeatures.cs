using Persona.Core.Events;

namespace Persona.Core.Features.Families;

/// <summary>Funnel: conversion (orders per view, at most 1) and the share of finished sessions with a cart that were abandoned.</summary>
internal sealed class FunnelFeatures : IFeatureFamily
{
    public IReadOnlyList<string> Names { get; } = ["conversion", "cart.abandonment"];

    public void Write(in FeatureInput input, ref FeatureWriter w)
    {
        var state = input.State;
        var purchases = state.FindType((byte)EventType.Purchase);
        var views = state.FindType((byte)EventType.View);
        var orders = purchases < 0 ? 0 : state.TypeSlots[purchases].Count;
        var viewCount = views < 0 ? 0 : state.TypeSlots[views].Count;
        var sessions = input.Sessions;
        w.Put(viewCount > 0 ? Math.Min(1, orders / (double)viewCount) : 0);
        w.Put(sessions.CartSessions > 0 ? sessions.Abandoned / (double)sessions.CartSessions : 0);
    }
}
