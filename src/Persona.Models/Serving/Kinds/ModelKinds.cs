namespace Persona.Models.Serving.Kinds;

/// <summary>
/// The model kinds the service serves, registered by name, one file each. The order here is the order in which a
/// profile's predictions are computed and the models are listed; a new kind is one file and one line here.
/// </summary>
public static class ModelKinds
{
    public static IReadOnlyList<IModelKind> All { get; } =
    [
        new InterestModelKind(),
        new ChurnModelKind(),
        new PropensityModelKind(),
        new SequenceModelKind(),
        new SentimentModelKind(),
    ];

    /// <summary>The kinds' names, in registry order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(k => k.Name)];

    /// <summary>The kind of that name, or null when none is registered.</summary>
    public static IModelKind? Find(string name) => All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.Ordinal));

    /// <summary>The kind of that name; an unknown name is refused, naming the kinds served.</summary>
    public static IModelKind Require(string name) =>
        Find(name) ?? throw new ArgumentException($"unknown model kind '{name}'; the kinds served are {string.Join(", ", Names)}", nameof(name));
}
