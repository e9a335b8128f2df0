namespace Persona.Models.Training;

/// <summary>
/// libtorch keeps its random generator and thread count per process, so two trainings at once would draw
/// from one generator and neither would be reproducible from its seed. Every trainer holds this gate while
/// it trains: trainings in one process run one after another.
/// </summary>
internal static class TorchGate
{
    public static readonly Lock Gate = new();
}
