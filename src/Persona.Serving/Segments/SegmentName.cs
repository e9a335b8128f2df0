namespace Persona.Serving.Segments;

/// <summary>Segment names: 1–64 characters of lower-case letters, digits, '-' and '_', starting with a letter or digit; "changes" and "validate" are paths of their own.</summary>
public static class SegmentName
{
    public const int MaxLength = 64;

    /// <summary>Null for a valid name, otherwise what is wrong with it.</summary>
    public static string? Problem(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "name: empty";
        }

        if (name.Length > MaxLength)
        {
            return $"name: longer than {MaxLength} characters";
        }

        if (!char.IsAsciiLetterLower(name[0]) && !char.IsAsciiDigit(name[0]))
        {
            return "name: must start with a lower-case letter or a digit";
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c is not '-' and not '_')
            {
                return $"name: '{c}' is not allowed (lower-case letters, digits, '-' and '_')";
            }
        }

        return name is "changes" or "validate" ? $"name: '{name}' is reserved" : null;
    }
}
