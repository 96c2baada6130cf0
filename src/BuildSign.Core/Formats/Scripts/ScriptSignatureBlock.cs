using System.Text;

namespace BuildSign.Core.Formats.Scripts;

/// <summary>
/// The signature block at the end of a script: a begin line, the base64 DER of the ContentInfo
/// in 64-character lines, and an end line, each wrapped in the script type's comment. The
/// signed content is the text before the block without the one line break that precedes it.
/// </summary>
/// <param name="ContentLength">How many characters of the text are signed content.</param>
/// <param name="ContentInfo">The decoded signature, or null when the block is malformed.</param>
/// <param name="Problem">Why the block is malformed, when it is.</param>
internal sealed record ScriptSignatureBlock(int ContentLength, ReadOnlyMemory<byte>? ContentInfo, string? Problem)
{
    private const int Base64LineLength = 64;

    /// <summary>Finds the last signature block in <paramref name="text"/>, or null when the script is unsigned.</summary>
    public static ScriptSignatureBlock? Find(string text, ScriptCommentStyle style)
    {
        var begin = FindLineStart(text, style.BeginLine);
        if (begin < 0)
        {
            return null;
        }
        var contentLength = begin;
        if (contentLength > 0 && text[contentLength - 1] == '\n')
        {
            contentLength -= contentLength > 1 && text[contentLength - 2] == '\r' ? 2 : 1;
        }

        var lines = text[(begin + style.BeginLine.Length)..].Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        // lines[0] is what follows the begin marker on its own line: nothing, in a well-formed block.
        var end = Array.IndexOf(lines, style.EndLine);
        if (lines[0].Length != 0 || end < 0)
        {
            return new ScriptSignatureBlock(contentLength, null, "malformed signature block (no end line)");
        }
        if (lines.Skip(end + 1).Any(l => !string.IsNullOrWhiteSpace(l)))
        {
            return new ScriptSignatureBlock(contentLength, null, "malformed signature block (text after the end line)");
        }
        var base64 = new StringBuilder();
        foreach (var line in lines.AsSpan(1, end - 1))
        {
            if (!line.StartsWith(style.Prefix, StringComparison.Ordinal) || !line.EndsWith(style.Suffix, StringComparison.Ordinal) || line.Length < style.Prefix.Length + style.Suffix.Length)
            {
                return new ScriptSignatureBlock(contentLength, null, "malformed signature block (a line is not a signature comment)");
            }
            base64.Append(line, style.Prefix.Length, line.Length - style.Prefix.Length - style.Suffix.Length);
        }
        // Strict base64: no spaces, correct padding, zero spare bits. The platform decoder forgives
        // all three, so two different blocks would decode to one signature; a changed character
        // must make the block invalid, not silently equal.
        var encoded = base64.ToString();
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return new ScriptSignatureBlock(contentLength, null, "malformed signature block (invalid base64)");
        }
        if (!string.Equals(Convert.ToBase64String(decoded), encoded, StringComparison.Ordinal))
        {
            return new ScriptSignatureBlock(contentLength, null, "malformed signature block (non-canonical base64)");
        }
        return new ScriptSignatureBlock(contentLength, decoded, null);
    }

    /// <summary>
    /// The block's text, starting with the line break that separates it from the content. Always
    /// CRLF, whatever the script's own line endings: Windows' PowerShell SIP looks for
    /// <c>\r\n# SIG # Begin signature block\r\n</c> and reports a block with LF as no signature
    /// (signtool and osslsigncode write CRLF too).
    /// </summary>
    public static string Format(ReadOnlySpan<byte> contentInfo, ScriptCommentStyle style)
    {
        const string lineEnding = "\r\n";
        var base64 = Convert.ToBase64String(contentInfo);
        var text = new StringBuilder(base64.Length * 3 / 2);
        text.Append(lineEnding).Append(style.BeginLine).Append(lineEnding);
        for (var at = 0; at < base64.Length; at += Base64LineLength)
        {
            text.Append(style.Prefix).Append(base64.AsSpan(at, Math.Min(Base64LineLength, base64.Length - at))).Append(style.Suffix).Append(lineEnding);
        }
        return text.Append(style.EndLine).Append(lineEnding).ToString();
    }

    private static int FindLineStart(string text, string line)
    {
        for (var at = text.LastIndexOf(line, StringComparison.Ordinal); at >= 0; at = at == 0 ? -1 : text.LastIndexOf(line, at - 1, StringComparison.Ordinal))
        {
            if (at == 0 || text[at - 1] == '\n')
            {
                return at;
            }
        }
        return -1;
    }
}
