namespace Persona.Serving.Segments;

/// <summary>
/// Where the segment definitions live: a file in the data directory on one node (<see cref="SegmentFile"/>), or a
/// place every silo of a cluster shares (<see cref="IsShared"/>), from which each silo's <see cref="SegmentBook"/>
/// takes the changes made through the others (<see cref="SegmentDefinitionSync"/>).
/// </summary>
public interface ISegmentDefinitionStore
{
    /// <summary>Names the place in messages.</summary>
    string Where { get; }

    /// <summary>Whether other processes change the definitions too (then a silo follows them).</summary>
    bool IsShared { get; }

    /// <summary>The definitions saved, or none.</summary>
    IReadOnlyList<SegmentDefinition> Load();

    /// <summary>Saves <paramref name="definition"/> (new or replacing one of its name); <paramref name="all"/> is every definition now in force here.</summary>
    void Put(SegmentDefinition definition, IReadOnlyList<SegmentDefinition> all);

    /// <summary>Removes the definition named <paramref name="name"/>; <paramref name="all"/> is every definition still in force here.</summary>
    void Delete(string name, IReadOnlyList<SegmentDefinition> all);
}
