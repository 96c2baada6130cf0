using System.Text;

namespace BuildSign.Core.Formats.NuGet;

/// <summary>
/// The content a NuGet author signature signs (the CMS eContent, type id-data): key-value lines in
/// UTF-8 with single LF line ends, a header section and a hash section, each closed by an empty
/// line: <c>Version:1\n\n2.16.840.1.101.3.4.2.1-Hash:&lt;base64&gt;\n\n</c>.
/// </summary>
/// <param name="Algorithm">The algorithm of the package hash.</param>
/// <param name="PackageHash">The package hash (the package without its signature entry).</param>
public sealed record PackageSignatureContent(DigestAlgorithm Algorithm, ReadOnlyMemory<byte> PackageHash)
{
    private const string VersionLine = "Version:1";
    private const string HashKeySuffix = "-Hash";

    /// <summary>The exact bytes that are signed.</summary>
    public byte[] ToBytes() =>
        Encoding.UTF8.GetBytes($"{VersionLine}\n\n{Algorithm.Oid()}{HashKeySuffix}:{Convert.ToBase64String(PackageHash.Span)}\n\n");

    /// <summary>Parses signed content; returns null with a reason when it is not a version 1 NuGet signature content.</summary>
    public static PackageSignatureContent? TryParse(ReadOnlySpan<byte> content, out string? problem)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            problem = "the signed content is not UTF-8 text";
            return null;
        }
        var lines = text.Split('\n');
        var separator = Array.IndexOf(lines, string.Empty);
        if (separator < 0 || !lines[..separator].Contains(VersionLine, StringComparer.Ordinal))
        {
            problem = "the signed content has no 'Version:1' header";
            return null;
        }
        var hashLines = lines[(separator + 1)..].Where(l => l.Contains(HashKeySuffix + ":", StringComparison.Ordinal)).ToList();
        if (hashLines.Count != 1)
        {
            problem = "the signed content does not hold exactly one package hash";
            return null;
        }
        var colon = hashLines[0].IndexOf(HashKeySuffix + ":", StringComparison.Ordinal);
        var oid = hashLines[0][..colon];
        if (DigestAlgorithms.FromOid(oid) is not { } algorithm)
        {
            problem = $"the package hash uses an unsupported algorithm ({oid})";
            return null;
        }
        var value = hashLines[0][(colon + HashKeySuffix.Length + 1)..];
        var hash = new byte[algorithm.SizeInBytes()];
        if (!Convert.TryFromBase64String(value, hash, out var written) || written != hash.Length)
        {
            problem = "the package hash is not valid base64 of the right length";
            return null;
        }
        problem = null;
        return new PackageSignatureContent(algorithm, hash);
    }
}
