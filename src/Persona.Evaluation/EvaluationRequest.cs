using Persona.Core.Engine;
using Persona.Models.Collaborative;
using Persona.Models.Interest;
using Persona.Models.Sequence;

namespace Persona.Evaluation;

/// <summary>
/// One evaluation: a dataset in a format, a protocol and a model, with the settings of each (the flags of
/// <c>persona evaluate</c>). The learned models' options are made on demand, so that options a run does not
/// use are not validated.
/// </summary>
public sealed record EvaluationRequest
{
    /// <summary>Dataset folder or main file (unused for the synthetic format).</summary>
    public required string Dataset { get; init; }

    /// <summary>A <see cref="DatasetLoader.Formats"/> name, or <c>synthetic</c>.</summary>
    public required string Format { get; init; }

    public required string Protocol { get; init; }

    public required string Model { get; init; }

    public EngineConfig? Config { get; init; }

    public int K { get; init; } = 10;

    public int Seed { get; init; } = 42;

    /// <summary>Sampled negatives of the leave-one-out protocol (0: full ranking).</summary>
    public int Negatives { get; init; }

    /// <summary>The interest model's popularity blend.</summary>
    public float Blend { get; init; }

    public double HalfLifeDays { get; init; } = 30;

    /// <summary>Refresh period of the periodic freshness variant (event time).</summary>
    public double RefreshHours { get; init; } = 24;

    /// <summary>Cold-start: share of users held out entirely.</summary>
    public double ColdShare { get; init; } = 0.1;

    /// <summary>Synthetic data: users, events and the span of planted changes.</summary>
    public int Users { get; init; } = 2_000;

    public long Events { get; init; } = 300_000;

    public double HorizonDays { get; init; } = 20;

    /// <summary>Synthetic: P(rating | purchase); null keeps the shop's default.</summary>
    public double? RatingProbability { get; init; }

    /// <summary>Synthetic: share of ratings written as reviews in words.</summary>
    public double ReviewShare { get; init; }

    /// <summary>Synthetic: stars a churner's ratings and reviews drop by before they leave.</summary>
    public double PlantedDissatisfaction { get; init; }

    /// <summary>Next-category: <c>next</c> or <c>next-purchase</c>.</summary>
    public string Target { get; init; } = "next";

    /// <summary>Churn: the window after each cut, the days between training cuts and the most training cuts.</summary>
    public double WindowDays { get; init; } = 90;

    public double StepDays { get; init; } = 30;

    public int TrainCuts { get; init; } = 4;

    /// <summary>Service: the learned candidate source (<c>none</c> or <c>sequence</c>), blend learning, category cap and ablated features.</summary>
    public string Scorer { get; init; } = "none";

    public bool LearnBlend { get; init; } = true;

    public double MaxCategoryShare { get; init; } = 0.5;

    public IReadOnlyList<string> Ablate { get; init; } = [];

    /// <summary>Trials of the hyper-parameter search (MLP and VAE) and the VAE's refinement trials.</summary>
    public int Search { get; init; } = 1;

    public int Refine { get; init; }

    public Func<InterestMlpOptions> MlpOptions { get; init; } = () => new InterestMlpOptions();

    public Func<SequenceModelOptions> SequenceOptions { get; init; } = () => new SequenceModelOptions();

    public Func<VaeOptions> VaeOptions { get; init; } = () => new VaeOptions();

    public TrainingProgress Progress { get; init; } = new();
}
