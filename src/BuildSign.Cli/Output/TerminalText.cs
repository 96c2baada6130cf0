using System.Globalization;
using System.Text;

namespace BuildSign.Cli.Output;

/// <summary>
/// Makes untrusted text (file names, archive entry names) safe for a terminal: a control character
/// would let a name forge an output line or send escape sequences, so each is shown as \xNN.
/// </summary>
internal static class TerminalText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(IsUnsafe))
        {
            return text ?? "";
        }
        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    // C0 and C1 controls and DEL; bidirectional overrides could also disguise a name.
    private static bool IsUnsafe(char c) => char.IsControl(c) || c is '\u202a' or '\u202b' or '\u202c' or '\u202d' or '\u202e' or '\u2066' or '\u2067' or '\u2068' or '\u2069';
}
