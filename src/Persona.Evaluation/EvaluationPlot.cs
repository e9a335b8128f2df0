namespace Persona.Evaluation;

/// <summary>A PNG beside each report: the metrics as bars (grouped by cut-off) or, with windows, as lines over time.</summary>
public static class EvaluationPlot
{
    public static void Save(EvaluationReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        var plot = new ScottPlot.Plot();
        plot.Title($"{report.Dataset} · {report.Protocol} · {report.Model}");
        var windowed = report.Metrics.Keys.Where(k => k.StartsWith("window_", StringComparison.Ordinal)).ToList();
        if (windowed.Count > 0)
        {
            // One line per series (e.g. live.hr@10) over the windows.
            foreach (var series in windowed.Select(k => k[(k.IndexOf('.', StringComparison.Ordinal) + 1)..]).Distinct().Order(StringComparer.Ordinal))
            {
                var points = windowed.Where(k => k.EndsWith("." + series, StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(k => report.Metrics[k]).ToArray();
                var line = plot.Add.Scatter(Enumerable.Range(1, points.Length).Select(i => (double)i).ToArray(), points);
                line.LegendText = series;
            }

            var windows = windowed.Select(k => k.Split('.')[0]).Distinct().Count();
            plot.Axes.Bottom.SetTicks([.. Enumerable.Range(1, windows).Select(i => (double)i)], [.. Enumerable.Range(1, windows).Select(i => $"week {i}")]);
            plot.XLabel("7-day window of event time");
            plot.ShowLegend();
        }
        else
        {
            var keys = report.Metrics.Keys.Order(StringComparer.Ordinal).ToArray();
            var bars = plot.Add.Bars(keys.Select(k => report.Metrics[k]).ToArray());
            bars.Color = ScottPlot.Colors.SteelBlue;
            plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, keys.Length).Select(i => (double)i)], keys);
            plot.Axes.Margins(bottom: 0);
        }

        plot.SavePng(path, 900, 520);
    }
}
