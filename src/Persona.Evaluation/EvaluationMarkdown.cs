using System.Globalization;
using System.Text;
using Persona.Models.Training;

namespace Persona.Evaluation;

/// <summary>The Markdown summary written beside an evaluation report.</summary>
public static class EvaluationMarkdown
{
    /// <summary>The heading, the number evaluated and the metrics table.</summary>
    public static string Summary(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {report.Dataset} · {report.Protocol} · {report.Model}").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{report.UsersEvaluated} evaluated in {report.Seconds} s.").AppendLine();
        md.AppendLine("| metric | value |").AppendLine("| --- | --- |");
        foreach (var (key, value) in report.Metrics)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {value:F4} |");
        }

        return md.ToString();
    }

    /// <summary>Each predictor's calibration table (test cut): rows, mean prediction and observed rate per probability bin.</summary>
    public static string Calibration(IReadOnlyDictionary<string, IReadOnlyList<BinaryMetrics.Bin>> calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var md = new StringBuilder();
        foreach (var (name, bins) in calibration.Where(c => !c.Key.EndsWith(".base_rate", StringComparison.Ordinal)))
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Calibration of {name} (test):").AppendLine();
            md.AppendLine("| predicted | rows | mean predicted | observed |").AppendLine("| --- | --- | --- | --- |");
            foreach (var b in bins.Where(b => b.Rows > 0))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {b.From:F1}–{b.To:F1} | {b.Rows} | {b.MeanPredicted:F3} | {b.Observed:F3} |");
            }
        }

        return md.ToString();
    }
}
