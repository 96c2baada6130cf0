namespace BuildSign.Core.Formats.NuGet;

/// <summary>Facts about the zip entry that holds a NuGet package's primary signature.</summary>
public static class NuGetSignatureEntry
{
    /// <summary>The entry's name, matched case-sensitively as NuGet does.</summary>
    public const string Name = ".signature.p7s";

    /// <summary>
    /// NuGet writes no zip64, so a package may list at most 0xFFFE entries once signed: at most
    /// 0xFFFD before the signature entry is added.
    /// </summary>
    public const int MaxEntriesBeforeSigning = 0xFFFD;

    /// <summary>The largest signature entry read (a signature with chain and timestamp is a few KiB).</summary>
    public const int MaxLength = 4 * 1024 * 1024;
}
