using System.Globalization;
using System.Text.Json;

namespace Persona.Core.Segments;

/// <summary>
/// A segment rule over a served profile's fields, e.g. <c>rfm.frequency >= 2 and lifecycle == "at-risk"</c>.
/// Grammar: <c>or := and ("or" and)*</c>, <c>and := not ("and" not)*</c>, <c>not := "not" not | "(" or ")" |
/// path op literal</c>; <c>op</c> is one of <c>== != &lt; &lt;= &gt; &gt;=</c>; a literal is a number, a
/// double-quoted string (<c>\"</c> and <c>\\</c> escapes), <c>true</c>, <c>false</c> or <c>null</c>; a path
/// is dot-separated field names as the profile's JSON spells them (<c>rfm.frequency</c>,
/// <c>sessions.bounceRate</c>). A path whose first name the profile lacks is looked up under
/// <c>predictions</c>, so model scores read as fields (<c>churnRisk > 0.7</c>). A missing or null field
/// satisfies only <c>== null</c> (and <c>!= </c> anything else); comparing a number with a string is false.
/// Keywords are lower case. Rules are at most 4,096 characters and 32 levels deep.
/// </summary>
public sealed class SegmentRule
{
    public const int MaxLength = 4_096;
    public const int MaxDepth = 32;

    private readonly Node _root;

    private SegmentRule(string text, Node root, IReadOnlyList<string> paths)
    {
        Text = text;
        _root = root;
        Paths = paths;
    }

    public string Text { get; }

    /// <summary>The field paths the rule reads, in order of appearance.</summary>
    public IReadOnlyList<string> Paths { get; }

    public static SegmentRule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new SegmentRuleException($"longer than {MaxLength} characters", MaxLength);
        }

        var parser = new Parser(text);
        var root = parser.Or(0);
        parser.ExpectEnd();
        return new SegmentRule(text, root, parser.Paths);
    }

    /// <summary>Whether the profile (its JSON object, as served) satisfies the rule.</summary>
    public bool Matches(JsonElement profile) => _root.Evaluate(profile);

    private abstract record Node
    {
        public abstract bool Evaluate(JsonElement profile);
    }

    private sealed record And(Node Left, Node Right) : Node
    {
        public override bool Evaluate(JsonElement profile) => Left.Evaluate(profile) && Right.Evaluate(profile);
    }

    private sealed record Or(Node Left, Node Right) : Node
    {
        public override bool Evaluate(JsonElement profile) => Left.Evaluate(profile) || Right.Evaluate(profile);
    }

    private sealed record Not(Node Inner) : Node
    {
        public override bool Evaluate(JsonElement profile) => !Inner.Evaluate(profile);
    }

    private sealed record Comparison(string[] Path, string Op, object? Literal) : Node
    {
        public override bool Evaluate(JsonElement profile)
        {
            var value = Resolve(profile);
            if (value is null || value.Value.ValueKind == JsonValueKind.Null)
            {
                return Op switch
                {
                    "==" => Literal is null,
                    "!=" => Literal is not null,
                    _ => false,
                };
            }

            var v = value.Value;
            if (Literal is null)
            {
                return Op == "!=";
            }

            int? order = (Literal, v.ValueKind) switch
            {
                (double d, JsonValueKind.Number) => v.GetDouble().CompareTo(d),
                (string s, JsonValueKind.String) => string.CompareOrdinal(v.GetString(), s),
                (bool b, JsonValueKind.True or JsonValueKind.False) => (v.ValueKind == JsonValueKind.True).CompareTo(b),
                _ => null,
            };
            if (order is not { } c)
            {
                return Op == "!="; // different kinds are never equal, and never ordered
            }

            return Op switch
            {
                "==" => c == 0,
                "!=" => c != 0,
                "<" => c < 0,
                "<=" => c <= 0,
                ">" => c > 0,
                _ => c >= 0,
            };
        }

        private JsonElement? Resolve(JsonElement profile)
        {
            if (profile.ValueKind == JsonValueKind.Object && !profile.TryGetProperty(Path[0], out _) && profile.TryGetProperty("predictions", out var predictions))
            {
                profile = predictions;
            }

            var current = profile;
            foreach (var name in Path)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                {
                    return null;
                }
            }

            return current;
        }
    }

    private sealed class Parser(string text)
    {
        private int _at;

        public List<string> Paths { get; } = [];

        public Node Or(int depth)
        {
            var left = And(depth);
            while (Keyword("or"))
            {
                left = new Or(left, And(depth));
            }

            return left;
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_at < text.Length)
            {
                throw new SegmentRuleException($"unexpected '{text[_at]}' (expected and, or, or the end)", _at);
            }
        }

        private Node And(int depth)
        {
            var left = Unary(depth);
            while (Keyword("and"))
            {
                left = new And(left, Unary(depth));
            }

            return left;
        }

        private Node Unary(int depth)
        {
            if (depth >= MaxDepth)
            {
                throw new SegmentRuleException($"nested deeper than {MaxDepth}", _at);
            }

            if (Keyword("not"))
            {
                return new Not(Unary(depth + 1));
            }

            SkipSpace();
            if (_at < text.Length && text[_at] == '(')
            {
                _at++;
                var inner = Or(depth + 1);
                SkipSpace();
                if (_at >= text.Length || text[_at] != ')')
                {
                    throw new SegmentRuleException("missing ')'", _at);
                }

                _at++;
                return inner;
            }

            return Compare();
        }

        private Comparison Compare()
        {
            SkipSpace();
            var start = _at;
            var path = new List<string> { Name() };
            while (_at < text.Length && text[_at] == '.')
            {
                _at++;
                path.Add(Name());
            }

            var joined = string.Join('.', path);
            if (path[0] is "and" or "or" or "not" or "true" or "false" or "null")
            {
                throw new SegmentRuleException($"expected a field, found the keyword '{path[0]}'", start);
            }

            Paths.Add(joined);
            SkipSpace();
            var op = Operator();
            SkipSpace();
            return new Comparison([.. path], op, Literal());
        }

        private string Name()
        {
            var start = _at;
            if (_at < text.Length && (char.IsAsciiLetter(text[_at]) || text[_at] == '_'))
            {
                _at++;
                while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] is '_' or '-'))
                {
                    _at++;
                }

                return text[start.._at];
            }

            throw new SegmentRuleException(_at < text.Length ? $"expected a field name, found '{text[_at]}'" : "expected a field name, found the end", _at);
        }

        private string Operator()
        {
            foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
            {
                if (string.CompareOrdinal(text, _at, op, 0, op.Length) == 0)
                {
                    _at += op.Length;
                    return op;
                }
            }

            throw new SegmentRuleException("expected one of == != < <= > >=", _at);
        }

        private object? Literal()
        {
            if (_at >= text.Length)
            {
                throw new SegmentRuleException("expected a value, found the end", _at);
            }

            var c = text[_at];
            if (c == '"')
            {
                return String();
            }

            if (char.IsAsciiDigit(c) || c is '-' or '+' or '.')
            {
                var start = _at;
                while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] is '-' or '+' or '.' or 'e' or 'E'))
                {
                    _at++;
                }

                return double.TryParse(text.AsSpan(start, _at - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                    ? d
                    : throw new SegmentRuleException($"'{text[start.._at]}' is not a number", start);
            }

            foreach (var (word, value) in new (string, object?)[] { ("true", true), ("false", false), ("null", null) })
            {
                if (Keyword(word))
                {
                    return value;
                }
            }

            throw new SegmentRuleException($"expected a number, a \"string\", true, false or null, found '{c}'", _at);
        }

        private string String()
        {
            var start = _at;
            _at++; // the opening quote
            var value = new System.Text.StringBuilder();
            while (_at < text.Length)
            {
                var c = text[_at++];
                if (c == '"')
                {
                    return value.ToString();
                }

                if (c == '\\')
                {
                    if (_at >= text.Length || text[_at] is not ('"' or '\\'))
                    {
                        throw new SegmentRuleException("only \\\" and \\\\ may be escaped", _at - 1);
                    }

                    c = text[_at++];
                }

                value.Append(c);
            }

            throw new SegmentRuleException("unterminated string", start);
        }

        /// <summary>Consumes <paramref name="word"/> when it stands alone here (not the start of a longer name).</summary>
        private bool Keyword(string word)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _at, word, 0, word.Length) != 0)
            {
                return false;
            }

            var end = _at + word.Length;
            if (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '-' or '.'))
            {
                return false;
            }

            _at = end;
            return true;
        }

        private void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }
    }
}
