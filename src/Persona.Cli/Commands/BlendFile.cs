using System.Text.Json;
using Persona.Recommend.Ranking;

namespace Persona.Cli.Commands;

/// <summary>Recommendation blend weights in a JSON file (as <c>persona evaluate --model service</c> and <c>persona train-ranker</c> write them).</summary>
internal static class BlendFile
{
    public static BlendWeights Read(string path) =>
        JsonSerializer.Deserialize<BlendWeights>(File.ReadAllText(path), Json.Options)
        ?? throw new InvalidDataException($"blend: {path} holds no weights");
}
