using System.Formats.Asn1;
using BuildSign.Core.Formats.Authenticode;
using BuildSign.Core.Verification;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Formats.Pe;

/// <summary>
/// Authenticode signing of PE files (.exe, .dll, .sys, .efi, ...): the image digest, the
/// SpcIndirectDataContent that is signed, and the WIN_CERTIFICATE table the signature goes in.
/// </summary>
public sealed class PeFormat : IFileFormat
{
    // Files by these names are claimed even when broken, so that the user gets a PE error
    // ("not a PE file", "truncated ...") rather than a detached signature of a corrupt binary.
    private static readonly HashSet<string> PeExtensions = new(StringComparer.Ordinal)
    {
        ".exe", ".dll", ".sys", ".efi", ".ocx", ".scr", ".cpl", ".drv", ".mui", ".winmd", ".node",
    };

    /// <inheritdoc />
    public string Name => "pe";

    /// <inheritdoc />
    public bool SupportsAppend => true;

    /// <inheritdoc />
    public bool Recognizes(FileHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return PeImage.LooksLikePe(head.Bytes.Span, head.Length) || PeExtensions.Contains(head.Extension);
    }

    /// <inheritdoc />
    public async ValueTask<FileInspection> InspectAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = PeImage.OpenRead(path);
        var layout = PeImage.Read(stream, path);
        var count = 0;
        if (layout.CertificateTable is { } table)
        {
            foreach (var entry in WinCertificate.ReadTable(stream, table, path).Where(e => e.IsPkcsSignedData))
            {
                count += CountSignatures(entry.Data);
            }
        }
        return new FileInspection(Name, count, layout);
    }

    /// <inheritdoc />
    public async ValueTask<SigningInput> PrepareAsync(string path, FileInspection inspection, SignatureOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var stream = PeImage.OpenRead(path);
        var layout = PeImage.Read(stream, path);
        var imageDigest = await AuthenticodeHasher.ComputeAsync(stream, layout, options.Digest, path, cancellationToken).ConfigureAwait(false);
        return AuthenticodeSigningInput.Create(WellKnownOids.SpcPeImageData, SpcPeImageData.Encode(), imageDigest, options, layout);
    }

    /// <inheritdoc />
    public ValueTask EmbedAsync(string sourcePath, string outputPath, SigningInput input, SignedContent signature, ExistingSignatureAction action, CancellationToken cancellationToken) =>
        new(PeSignatureWriter.WriteAsync(sourcePath, outputPath, signature, action, cancellationToken));

    /// <inheritdoc />
    public async ValueTask CheckWrittenAsync(string sourcePath, string outputPath, SigningInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var stream = PeImage.OpenRead(outputPath);
        PeLayout layout;
        try
        {
            layout = PeImage.Read(stream, outputPath);
        }
        catch (SigningException e)
        {
            throw new SigningException(sourcePath, $"signed output is not a valid PE file: {e.Reason}", e);
        }
        var digest = await AuthenticodeHasher.ComputeAsync(stream, layout, input.Digest, outputPath, cancellationToken).ConfigureAwait(false);
        if (!digest.AsSpan().SequenceEqual(input.FileDigest.Span))
        {
            throw new SigningException(sourcePath, "file changed while being signed: the written image digest differs from the signed one");
        }
        if (layout.CertificateTable is not { } table)
        {
            throw new SigningException(sourcePath, "signed output has no certificate table");
        }
        var signed = input.EncapsulatedContent ?? ReadOnlyMemory<byte>.Empty;
        var found = false;
        foreach (var entry in WinCertificate.ReadTable(stream, table, sourcePath).Where(e => e.IsPkcsSignedData))
        {
            try
            {
                found |= AuthenticodeNesting.Enumerate(entry.Data)
                    .Any(s => SignedDataContent(s).Span.SequenceEqual(signed.Span));
            }
            catch (AsnContentException e)
            {
                throw new SigningException(sourcePath, $"signed output holds a malformed signature: {e.Message}", e);
            }
        }
        if (!found) throw new SigningException(sourcePath, "signed output does not hold the new signature");
    }

    /// <inheritdoc />
    public ValueTask<FileVerification> VerifyAsync(string path, VerificationOptions options, CancellationToken cancellationToken) =>
        new(PeSignatureVerifier.VerifyAsync(path, Name, options, cancellationToken));

    private static ReadOnlyMemory<byte> SignedDataContent(ReadOnlyMemory<byte> contentInfo) =>
        SignedDataStructure.Decode(contentInfo).Content ?? ReadOnlyMemory<byte>.Empty;

    // A signature that cannot be parsed still counts: the file is signed, just badly.
    private static int CountSignatures(ReadOnlyMemory<byte> contentInfo)
    {
        try
        {
            return AuthenticodeNesting.Enumerate(contentInfo).Count;
        }
        catch (AsnContentException)
        {
            return 1;
        }
    }
}
