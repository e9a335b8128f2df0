namespace Persona.Core.Discovery;

/// <summary>
/// RFM scoring by quintiles over the customers given (those with at least one purchase). A value's score is
/// 1 + ⌊5·p⌋ (at most 5) with p its mid-rank percentile, (values below + half the values equal) / n, so tied
/// values always share a score, a lone customer or an all-equal column scores 3, and five distinct values score
/// 1..5. Recency is scored reversed (fewer days is better). The cell comes from the R and F scores through the
/// common RFM segment map: R 1–2 with F 1–2 hibernating, F 3–4 at-risk, F 5 cant-lose; R 3 with F 1–2
/// about-to-sleep, F 3 need-attention; R 3–4 with F 4–5 loyal-customers; R 4 F 1 promising; R 5 F 1
/// new-customers; R 4–5 with F 2–3 potential-loyalists; R 5 with F 4–5 champions.
/// </summary>
public static class RfmScoring
{
    /// <summary>Every cell name of the map, best first.</summary>
    public static IReadOnlyList<string> Cells { get; } =
        ["champions", "loyal-customers", "potential-loyalists", "new-customers", "promising", "need-attention", "about-to-sleep", "cant-lose", "at-risk", "hibernating"];

    public static IReadOnlyList<RfmScore> Score(IReadOnlyList<RfmCustomer> customers)
    {
        ArgumentNullException.ThrowIfNull(customers);
        var r = Quintiles([.. customers.Select(c => -c.RecencyDays)]);
        var f = Quintiles([.. customers.Select(c => (double)c.Frequency)]);
        var m = Quintiles([.. customers.Select(c => c.Monetary)]);
        var scores = new RfmScore[customers.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = new RfmScore(customers[i].UserId, r[i], f[i], m[i], Cell(r[i], f[i]));
        }

        return scores;
    }

    /// <summary>Per cell of the map (every cell, best first, empty ones included): size and mean inputs.</summary>
    public static IReadOnlyList<RfmCell> Summarise(IReadOnlyList<RfmCustomer> customers, IReadOnlyList<RfmScore> scores)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(scores);
        return [.. Cells.Select(name =>
        {
            var members = Enumerable.Range(0, scores.Count).Where(i => scores[i].Cell == name).Select(i => customers[i]).ToList();
            return members.Count == 0
                ? new RfmCell(name, 0, 0, 0, 0)
                : new RfmCell(name, members.Count, members.Average(c => c.RecencyDays), members.Average(c => (double)c.Frequency), members.Average(c => c.Monetary));
        })];
    }

    /// <summary>Scores 1..5 by mid-rank percentile, higher values higher; equal values get equal scores.</summary>
    public static int[] Quintiles(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = values.Count;
        var order = Enumerable.Range(0, n).OrderBy(i => values[i]).ToArray();
        var scores = new int[n];
        var start = 0;
        while (start < n)
        {
            var end = start;
            while (end + 1 < n && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            var equal = end - start + 1;
            var percentile = (start + (equal / 2.0)) / n;
            var score = Math.Min(5, 1 + (int)Math.Floor(5 * percentile));
            for (var j = start; j <= end; j++)
            {
                scores[order[j]] = score;
            }

            start = end + 1;
        }

        return scores;
    }

    /// <summary>The map's cell for an R and an F score.</summary>
    public static string Cell(int r, int f) => (r, f) switch
    {
        ( <= 2, <= 2) => "hibernating",
        ( <= 2, <= 4) => "at-risk",
        ( <= 2, _) => "cant-lose",
        (3, <= 2) => "about-to-sleep",
        (3, 3) => "need-attention",
        ( <= 4, >= 4) => "loyal-customers",
        (4, 1) => "promising",
        (5, 1) => "new-customers",
        (_, <= 3) => "potential-loyalists",
        _ => "champions",
    };
}
