using System.Text.Json.Nodes;
using Persona.Models.Artifacts;
using Persona.Models.Registry;

namespace Persona.Server.Tests;

/// <summary><c>persona profile</c> reads through the same serving stack as <c>GET /v1/users/{id}/profile</c>.</summary>
public sealed class ProfileCommandTests
{
    private static readonly DateTimeOffset ReadAt = new(2026, 11, 3, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ProfileJson_SameStoreAndModelsActive_EqualsTheHttpProfile(bool explain)
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        var registry = new ModelRegistry(Path.Combine(dir, "models"));
        TestModels.AddFeatureModel(registry, FeatureModelArtifact.InterestKind, ModelServingTests.Labels, seed: 1);
        TestModels.AddFeatureModel(registry, FeatureModelArtifact.ChurnKind, ModelServingTests.Labels, seed: 2);
        TestModels.AddFeatureModel(registry, FeatureModelArtifact.PropensityKind, ModelServingTests.Labels, seed: 3);
        TestModels.AddSequenceModel(registry, ["lip", "book", "eye"], seed: 4);
        try
        {
            JsonNode http;
            await using (var server = await TestServer.StartAsync(dataDir: dir, clock: new FixedTime(ReadAt)))
            {
                await ModelServingTests.Seed(server, "u1", 6, 0);
                await ModelServingTests.Seed(server, "u1", 2, 6, item: "eye");
                http = JsonNode.Parse(await server.Client.GetStringAsync(new Uri($"/v1/users/u1/profile?explain={(explain ? "true" : "false")}", UriKind.Relative)))!;
            }

            string[] args = ["profile", "--data-dir", dir, "--user", "u1", "--json", "--as-of", ReadAt.ToString("O")];
            var (code, stdout, stderr) = await TrainCommandTests.Persona(explain ? [.. args, "--explain"] : args);
            Assert.True(code == 0, stderr);
            var cli = JsonNode.Parse(stdout)!;
            Assert.NotNull(http["predictions"]?["embedding"]);
            Assert.Equal(explain, http["explain"] is not null);
            Assert.True(JsonNode.DeepEquals(http, cli), $"HTTP:\n{http.ToJsonString()}\nCLI:\n{cli.ToJsonString()}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Profile_UnknownUser_ExitsOneNamingTheUser()
    {
        var dir = Path.Combine(Path.GetTempPath(), "persona-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, _, stderr) = await TrainCommandTests.Persona("profile", "--data-dir", dir, "--user", "nobody", "--json");
            Assert.Equal(1, code);
            Assert.Contains("userId: no profile for 'nobody'", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A clock stopped at one moment, so both reads are evaluated at the same time.</summary>
    private sealed class FixedTime(DateTimeOffset at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => at;
    }
}
