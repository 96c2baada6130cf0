using System.Buffers.Binary;
using System.Formats.Asn1;
using BuildSign.Core.Formats.Authenticode;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Formats.Pe;

/// <summary>
/// Writes a signed copy of a PE file: the image, zero padding to 8 bytes, the certificate table
/// (new, replaced, or with the new signature nested in the existing one), the updated
/// certificate-table entry and a recomputed CheckSum.
/// </summary>
internal static class PeSignatureWriter
{
    private const int CopyBufferSize = 1 << 20;

    public static async Task WriteAsync(string sourcePath, string outputPath, SignedContent signature, ExistingSignatureAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signature);
        await using var source = PeImage.OpenRead(sourcePath);
        var layout = PeImage.Read(source, sourcePath);
        var newSignature = ToAuthenticodeForm(signature.ContentInfo, sourcePath);
        var (imageLength, entries) = PlanTable(source, layout, newSignature, action, sourcePath);
        var table = WinCertificate.EncodeTable(entries);

        await using var output = new FileStream(outputPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous);
        source.Position = 0;
        await CopyAsync(source, output, imageLength, sourcePath, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(new byte[PeLayout.PaddingTo8(imageLength)], cancellationToken).ConfigureAwait(false);
        var tableOffset = output.Position;
        if (tableOffset + table.Length > uint.MaxValue) throw new SigningException(sourcePath, "file too large for a PE certificate table");
        await output.WriteAsync(table, cancellationToken).ConfigureAwait(false);

        var entry = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)tableOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(4), (uint)table.Length);
        output.Position = layout.CertificateEntryOffset;
        await output.WriteAsync(entry, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);

        var checksum = await PeChecksum.ComputeAsync(output, layout.CheckSumOffset, cancellationToken).ConfigureAwait(false);
        var checksumBytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(checksumBytes, checksum);
        output.Position = layout.CheckSumOffset;
        await output.WriteAsync(checksumBytes, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // Decides how much of the source to keep and which WIN_CERTIFICATE entries follow it.
    private static (long ImageLength, IReadOnlyList<WinCertificate> Entries) PlanTable(Stream source, PeLayout layout, byte[] newSignature, ExistingSignatureAction action, string path)
    {
        if (layout.CertificateTable is not { } table)
        {
            return (layout.FileLength, [WinCertificate.ForSignedData(newSignature)]);
        }
        if (action is ExistingSignatureAction.Fail or ExistingSignatureAction.Skip)
        {
            throw new SigningException(path, "already signed (choose replace or append to sign it again)");
        }
        if (!layout.CertificateTableIsAtEnd)
        {
            // Rewriting a table with data behind it would move or drop that data: refuse instead.
            throw new SigningException(path, "the existing certificate table is not at the end of the file; refusing to rewrite it");
        }
        if (action == ExistingSignatureAction.Replace)
        {
            return (table.Offset, [WinCertificate.ForSignedData(newSignature)]);
        }

        var entries = WinCertificate.ReadTable(source, table, path).ToList();
        var primary = entries.FindIndex(e => e.IsPkcsSignedData);
        if (primary < 0)
        {
            entries.Insert(0, WinCertificate.ForSignedData(newSignature));
        }
        else
        {
            try
            {
                entries[primary] = WinCertificate.ForSignedData(AuthenticodeNesting.AddNested(entries[primary].Data, newSignature));
            }
            catch (AsnContentException e)
            {
                throw new SigningException(path, $"cannot append to the existing signature, it is malformed: {e.Message}", e);
            }
        }
        return (table.Offset, entries);
    }

    private static byte[] ToAuthenticodeForm(ReadOnlyMemory<byte> contentInfo, string path)
    {
        try
        {
            return AuthenticodeNesting.ToAuthenticodeForm(contentInfo);
        }
        catch (AsnContentException e)
        {
            throw new SigningException(path, $"the signature to embed is malformed: {e.Message}", e);
        }
    }

    private static async Task CopyAsync(Stream source, Stream output, long length, string path, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var remaining = length;
            while (remaining > 0)
            {
                var chunk = (int)Math.Min(remaining, CopyBufferSize);
                var read = await source.ReadAtLeastAsync(buffer.AsMemory(0, chunk), chunk, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read < chunk) throw new SigningException(path, "file changed while being signed");
                await output.WriteAsync(buffer.AsMemory(0, chunk), cancellationToken).ConfigureAwait(false);
                remaining -= chunk;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
