using System.Text;
using BuildSign.Core.Formats.Scripts;

namespace BuildSign.Core.Tests.Formats.Scripts;

/// <summary>Writes test scripts in a chosen encoding and line ending.</summary>
internal static class ScriptFiles
{
    // Non-ASCII text on purpose: it is where UTF-8 and UTF-16 digests differ.
    private static readonly string[] Lines = ["param([string]$Name = 'Wörld')", "Write-Host \"Grüße, $Name — ✓\"", "Get-Date"];

    public static byte[] Bytes(ScriptTextEncoding encoding, string lineEnding, bool finalLineBreak = true)
    {
        var text = string.Join(lineEnding, Lines) + (finalLineBreak ? lineEnding : "");
        return encoding switch
        {
            ScriptTextEncoding.Utf8 => Encoding.UTF8.GetBytes(text),
            ScriptTextEncoding.Utf8WithBom => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
            ScriptTextEncoding.Utf16LittleEndian => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)],
            _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
        };
    }

    public static string Write(string path, ScriptTextEncoding encoding, string lineEnding, bool finalLineBreak = true)
    {
        File.WriteAllBytes(path, Bytes(encoding, lineEnding, finalLineBreak));
        return path;
    }

    /// <summary>Bytes of a file in <paramref name="encoding"/> as text (a leading BOM dropped).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, ScriptTextEncoding encoding) => encoding == ScriptTextEncoding.Utf16LittleEndian
        ? Encoding.Unicode.GetString(bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? bytes[2..] : bytes)
        : Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF');

    /// <summary>The file as text in its own encoding (BOM dropped).</summary>
    public static string ReadText(string path, ScriptTextEncoding encoding) => encoding == ScriptTextEncoding.Utf16LittleEndian
        ? Encoding.Unicode.GetString(File.ReadAllBytes(path).AsSpan(2))
        : Encoding.UTF8.GetString(File.ReadAllBytes(path)).TrimStart('\uFEFF');
}
