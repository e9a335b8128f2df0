using Persona.Core.Engine;

namespace Persona.Core.Features.Families;

/// <summary>The lifecycle stage as of the read, one-hot.</summary>
internal sealed class LifecycleFeatures(ProfileReader reader) : IFeatureFamily
{
    private static readonly string[] Stages = ["new", "active", "at-risk", "dormant"];

    public IReadOnlyList<string> Names { get; } = [.. Stages.Select(s => $"lifecycle.{s}")];

    public void Write(in FeatureInput input, ref FeatureWriter w) =>
        w.OneHot(Array.IndexOf(Stages, reader.Lifecycle(input.State, input.NowMs)), Stages.Length);
}
