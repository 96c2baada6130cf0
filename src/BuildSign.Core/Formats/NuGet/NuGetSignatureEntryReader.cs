using BuildSign.Core.Formats.Zip;

namespace BuildSign.Core.Formats.NuGet;

/// <summary>Reads the bytes of a package's <c>.signature.p7s</c> entry, checking that it is stored and intact.</summary>
internal static class NuGetSignatureEntryReader
{
    public static async ValueTask<byte[]> ReadAsync(string path, ZipEntry entry, CancellationToken cancellationToken)
    {
        if (!entry.IsStored)
        {
            throw new SigningException(path, "the signature entry is compressed (NuGet requires it stored)");
        }
        if (entry.CompressedSize > NuGetSignatureEntry.MaxLength)
        {
            throw new SigningException(path, $"the signature entry is implausibly large ({entry.CompressedSize} bytes)");
        }
        var data = new byte[entry.CompressedSize];
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous))
        {
            stream.Position = entry.DataOffset;
            await stream.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
        }
        if (Crc32.Compute(data) != entry.Crc32)
        {
            throw new SigningException(path, "the signature entry is corrupt (CRC mismatch)");
        }
        return data;
    }
}
