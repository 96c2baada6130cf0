namespace BuildSign.Core.Formats.Scripts;

/// <summary>The text encodings a signable script may be stored in.</summary>
public enum ScriptTextEncoding
{
    /// <summary>UTF-8 without a byte order mark.</summary>
    Utf8,
    /// <summary>UTF-8 starting with the byte order mark EF BB BF.</summary>
    Utf8WithBom,
    /// <summary>UTF-16 little-endian starting with the byte order mark FF FE.</summary>
    Utf16LittleEndian,
}
