using System.IO.Hashing;
using System.Text;

namespace Persona.Recommend.Experiments;

/// <summary>
/// Deterministic assignment of users to variants: a 64-bit hash of "experiment:user" as a fraction of the
/// total weight, so a user stays in one arm for the experiment's life, on every node, with no state, and
/// arms of different experiments are independent.
/// </summary>
public static class Bucketing
{
    public static Variant Assign(Experiment experiment, string userId)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(userId);
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(experiment.Id + ":" + userId));
        var u = (hash >> 11) * (1.0 / (1UL << 53));
        var total = experiment.Variants.Sum(v => v.Weight);
        var point = u * total;
        var acc = 0.0;
        foreach (var v in experiment.Variants)
        {
            acc += v.Weight;
            if (point < acc)
            {
                return v;
            }
        }

        return experiment.Variants[^1];
    }
}
