using Persona.Evaluation.Recommenders;

namespace Persona.Evaluation;

/// <summary>The training figures of a learned ranking model, added to its evaluation metrics.</summary>
public static class TrainedModelMetrics
{
    public static void Add(ISequenceModel model, IDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        switch (model)
        {
            case ServiceModel service:
                AddService(service, metrics);
                break;
            case SequenceModel { Trained: { } trained }:
                metrics["train_seconds"] = Math.Round(trained.Seconds, 1);
                metrics["best_epoch"] = trained.BestEpoch;
                metrics["validation_ndcg@10"] = trained.Best.ValidationNdcg10;
                metrics["validation_hr@10"] = trained.Best.ValidationHr10;
                metrics["parity_max_abs_diff"] = trained.ParityMaxAbsDiff;
                break;
            case VaeModel { Trained: { } trained } vae:
                metrics["train_seconds"] = Math.Round(trained.Seconds, 1);
                metrics["best_epoch"] = trained.BestEpoch;
                metrics["validation_ndcg@10"] = trained.BestValidationNdcg10;
                metrics["parity_max_abs_diff"] = trained.ParityMaxAbsDiff;
                AddVaeChoice(vae, metrics);
                break;
        }
    }

    /// <summary>The blend the service model ranked with, its validation figures and its inner sequence model's training.</summary>
    private static void AddService(ServiceModel service, IDictionary<string, double> metrics)
    {
        foreach (var (name, value) in service.Weights.Entries)
        {
            metrics[$"blend.{name}"] = value;
        }

        if (service.Validation is { } v)
        {
            metrics["validation_ndcg@10.heuristic"] = Math.Round(v.Heuristic, 6);
            metrics["validation_ndcg@10.learned"] = Math.Round(v.Learned, 6);
        }

        if (service.Inner is SequenceModel { Trained: { } inner })
        {
            metrics["train_seconds"] = Math.Round(inner.Seconds, 1);
            metrics["sequence.best_epoch"] = inner.BestEpoch;
        }
    }

    /// <summary>The VAE's chosen hyper-parameters and how many trials the search ran.</summary>
    private static void AddVaeChoice(VaeModel vae, IDictionary<string, double> metrics)
    {
        if (vae.Chosen is not { } chosen)
        {
            return;
        }

        metrics["vae.hidden"] = chosen.Hidden;
        metrics["vae.latent"] = chosen.Latent;
        metrics["vae.dropout"] = chosen.Dropout;
        metrics["vae.learning_rate"] = chosen.LearningRate;
        metrics["vae.weight_decay"] = chosen.WeightDecay;
        metrics["vae.anneal_cap"] = chosen.AnnealCap;
        metrics["vae.anneal_steps"] = chosen.AnnealSteps;
        metrics["vae.batch_size"] = chosen.BatchSize;
        metrics["vae.trials"] = Math.Max(1, vae.Trials.Count);
    }
}
