namespace Persona.Recommend.Experiments;

/// <summary>
/// What one server has counted for an experiment, per variant: the raw counts a report is computed from. Servers
/// that answered different requests (a cluster's silos) each hold one; <see cref="Merge"/> adds them up, joining a
/// user's outcomes counted on several servers, so the report of the merged tally is the report of all answers.
/// </summary>
public sealed record ExperimentTally(IReadOnlyList<ArmTally> Arms)
{
    /// <summary>The sum of <paramref name="tallies"/>, arm by arm (by name) and user by user.</summary>
    public static ExperimentTally Merge(IEnumerable<ExperimentTally> tallies)
    {
        ArgumentNullException.ThrowIfNull(tallies);
        var arms = new List<(string Name, long Answers, long Items, long Clicks, long Purchases, Dictionary<string, UserTally> Users)>();
        foreach (var tally in tallies)
        {
            foreach (var arm in tally.Arms)
            {
                var i = arms.FindIndex(a => a.Name == arm.Name);
                if (i < 0)
                {
                    arms.Add((arm.Name, 0, 0, 0, 0, new Dictionary<string, UserTally>(StringComparer.Ordinal)));
                    i = arms.Count - 1;
                }

                var sum = arms[i];
                foreach (var u in arm.Users)
                {
                    sum.Users[u.UserId] = sum.Users.TryGetValue(u.UserId, out var had)
                        ? new UserTally(u.UserId, had.Clicks + u.Clicks, had.Purchases + u.Purchases, had.Revenue + u.Revenue)
                        : u;
                }

                arms[i] = (sum.Name, sum.Answers + arm.Answers, sum.Items + arm.Items, sum.Clicks + arm.Clicks, sum.Purchases + arm.Purchases, sum.Users);
            }
        }

        return new ExperimentTally([.. arms.Select(a => new ArmTally(
            a.Name, a.Answers, a.Items, a.Clicks, a.Purchases, [.. a.Users.Values.OrderBy(u => u.UserId, StringComparer.Ordinal)]))]);
    }
}

/// <summary>One variant's counts: answers and items shown, attributed clicks and purchases, and every exposed user's outcomes.</summary>
public sealed record ArmTally(string Name, long Answers, long Items, long Clicks, long Purchases, IReadOnlyList<UserTally> Users);

/// <summary>A user exposed to a variant: the clicks, purchases and revenue attributed to the answers they were shown.</summary>
public sealed record UserTally(string UserId, long Clicks, long Purchases, double Revenue);
