using System.Globalization;
using System.Text;
using Persona.Models.Artifacts;

namespace Persona.Evaluation.Trainers;

/// <summary>Tables shared by the trained models' Markdown reports.</summary>
internal static class TrainingReport
{
    /// <summary>The metadata's metrics as a two-column table.</summary>
    public static void Metrics(StringBuilder md, ModelMetadata m)
    {
        md.AppendLine("| metric | value |").AppendLine("| --- | --- |");
        foreach (var (key, value) in m.Metrics)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {value:G6} |");
        }
    }
}
