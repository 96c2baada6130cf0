using System.Globalization;
using System.Text;

namespace BuildSign.Cli.Output;

/// <summary>
/// A writer for people's terminals that shows control characters instead of obeying them: a file
/// name holding a newline cannot forge an output line, and one holding ANSI escapes (or bidi
/// overrides) cannot recolour, move or reorder what the terminal shows. <c>\n</c>, <c>\r</c>,
/// <c>\t</c> are written as such, other controls as <c>\xNN</c> or <c>\uNNNN</c>. Line ends written
/// by <see cref="WriteLine()"/> are real.
/// </summary>
internal sealed class PrintableTextWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(Escape(value.ToString()));

    public override void Write(string? value) => inner.Write(Escape(value));

    public override void WriteLine() => inner.WriteLine();

    public override void WriteLine(string? value) => inner.WriteLine(Escape(value));

    public override void Flush() => inner.Flush();

    /// <summary>The text with every control character spelled out.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(IsControl))
        {
            return text ?? "";
        }
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\n' => builder.Append("\\n"),
                '\r' => builder.Append("\\r"),
                '\t' => builder.Append("\\t"),
                _ when !IsControl(c) => builder.Append(c),
                _ when c <= '\u00FF' => builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture)),
                _ => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
            };
        }
        return builder.ToString();
    }

    // C0, DEL, C1, and the Unicode controls that reorder text on screen (bidi embeddings, overrides, isolates).
    private static bool IsControl(char c) => char.IsControl(c) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F';
}
