using System.Text;

namespace BuildSign.Core.Formats.Scripts;

/// <summary>
/// A script file decoded strictly as text. A byte order mark stays in <see cref="Text"/> as
/// U+FEFF because the script digest covers it (as osslsigncode computes it).
/// </summary>
internal sealed class ScriptText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding StrictUtf16 = new(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);

    private const long MaxLength = 256L << 20;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
    private static ReadOnlySpan<byte> Utf16LittleEndianBom => [0xFF, 0xFE];
    private static ReadOnlySpan<byte> Utf16BigEndianBom => [0xFE, 0xFF];
    private static ReadOnlySpan<byte> Utf32LittleEndianBom => [0xFF, 0xFE, 0x00, 0x00];

    private ScriptText(ScriptTextEncoding encoding, string text)
    {
        EncodingKind = encoding;
        Text = text;
    }

    /// <summary>How the file is encoded.</summary>
    public ScriptTextEncoding EncodingKind { get; }

    /// <summary>The whole file as text.</summary>
    public string Text { get; }

    private Encoding Encoding => EncodingKind == ScriptTextEncoding.Utf16LittleEndian ? StrictUtf16 : StrictUtf8;

    /// <summary>Reads and decodes a script; throws <see cref="SigningException"/> when the bytes are not valid text.</summary>
    public static async Task<ScriptText> ReadAsync(string path, CancellationToken cancellationToken)
    {
        // Scripts are read whole (the text is decoded and searched from its end); this bounds a
        // huge file that merely carries a script's extension.
        if (new FileInfo(path).Length > MaxLength)
        {
            throw new SigningException(path, $"too large for a script (over {MaxLength >> 20} MiB)");
        }
        return Decode(path, await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Decodes a script's bytes; throws <see cref="SigningException"/> when they are not valid text.</summary>
    public static ScriptText Decode(string path, ReadOnlySpan<byte> bytes)
    {
        var kind = Detect(path, bytes);
        try
        {
            return new ScriptText(kind, (kind == ScriptTextEncoding.Utf16LittleEndian ? (Encoding)StrictUtf16 : StrictUtf8).GetString(bytes));
        }
        catch (DecoderFallbackException e)
        {
            var name = kind == ScriptTextEncoding.Utf16LittleEndian ? "UTF-16LE" : "UTF-8";
            throw new SigningException(path, $"invalid text encoding: not valid {name} at byte {e.Index}", e);
        }
    }

    /// <summary>The number of bytes the first <paramref name="length"/> characters take in the file.</summary>
    public int ByteCount(int length) => Encoding.GetByteCount(Text.AsSpan(0, length));

    /// <summary>True when the first <paramref name="length"/> characters hold nothing but a byte-order mark, if that.</summary>
    public bool IsEmpty(int length) => Text.AsSpan(0, length).TrimStart('\uFEFF').IsEmpty;

    /// <summary>
    /// Windows' script signing and osslsigncode refuse files under 4 bytes ("file is too short"),
    /// and osslsigncode finds no signature in an empty script that was signed anyway.
    /// </summary>
    public const int MinimumSignableBytes = 4;

    /// <summary>Encodes appended text the way the file is encoded (no byte order mark).</summary>
    public byte[] Encode(string text) => Encoding.GetBytes(text);

    /// <summary>
    /// True when the file is UTF-8 without a byte order mark and its first <paramref name="length"/>
    /// characters hold non-ASCII text: Windows PowerShell 5.1 reads such a file in the ANSI code
    /// page, PowerShell 7 as UTF-8, so they hash different text.
    /// </summary>
    public bool IsAmbiguousWithoutBom(int length) =>
        EncodingKind == ScriptTextEncoding.Utf8 && Text.AsSpan(0, length).ContainsAnyExceptInRange((char)0, (char)0x7F);

    private static ScriptTextEncoding Detect(string path, ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Utf8Bom))
        {
            return ScriptTextEncoding.Utf8WithBom;
        }
        if (bytes.StartsWith(Utf32LittleEndianBom))
        {
            throw new SigningException(path, "invalid text encoding: UTF-32 scripts are not supported (save it as UTF-8 or UTF-16LE)");
        }
        if (bytes.StartsWith(Utf16LittleEndianBom))
        {
            if (bytes.Length % 2 != 0)
            {
                throw new SigningException(path, "invalid text encoding: UTF-16LE file with an odd number of bytes");
            }
            return ScriptTextEncoding.Utf16LittleEndian;
        }
        if (bytes.StartsWith(Utf16BigEndianBom))
        {
            throw new SigningException(path, "invalid text encoding: UTF-16BE scripts are not supported (save it as UTF-8 or UTF-16LE)");
        }
        return ScriptTextEncoding.Utf8;
    }
}
