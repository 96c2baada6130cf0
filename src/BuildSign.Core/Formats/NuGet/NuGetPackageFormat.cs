using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using BuildSign.Core.Cms;
using BuildSign.Core.Formats.Containers;
using BuildSign.Core.Formats.Zip;
using BuildSign.Core.Verification;

namespace BuildSign.Core.Formats.NuGet;

/// <summary>
/// NuGet package author signatures (.nupkg, .snupkg): a CMS SignedData over the package hash,
/// stored as the zip entry <c>.signature.p7s</c>, as NuGet's package signing spec defines it.
/// A package holds one author signature, so appending is refused.
/// </summary>
public sealed class NuGetPackageFormat : IContainerFormat
{
    /// <inheritdoc />
    public string Name => "nupkg";

    /// <inheritdoc />
    public string? EmbeddedSignatureEntry => NuGetSignatureEntry.Name;

    /// <summary>
    /// Owns files by extension alone, so that a .nupkg that is not a zip is refused with a clear
    /// error instead of being signed as some other format.
    /// </summary>
    public bool Recognizes(FileHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.Extension is ".nupkg" or ".snupkg";
    }

    /// <inheritdoc />
    public ValueTask<FileInspection> InspectAsync(string path, CancellationToken cancellationToken)
    {
        var state = ReadPackage(path);
        return ValueTask.FromResult(new FileInspection(Name, state.Signature is null ? 0 : 1, state));
    }

    /// <inheritdoc />
    public async ValueTask<SigningInput> PrepareAsync(string path, FileInspection inspection, SignatureOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        ArgumentNullException.ThrowIfNull(options);
        var state = inspection.State as NuGetPackageState ?? ReadPackage(path);
        var packageHash = await PackageHasher.HashFileAsync(path, state.Layout, state.Signature, options.Digest, cancellationToken).ConfigureAwait(false);
        var content = new PackageSignatureContent(options.Digest, packageHash).ToBytes();
        return new SigningInput
        {
            ContentType = WellKnownOids.Data,
            EncapsulatedContent = content,
            MessageDigest = options.Digest.Hash(content),
            Digest = options.Digest,
            FileDigest = packageHash,
            SignedAttributes = [NuGetSignedAttributes.AuthorCommitment()],
            // NuGet reads the signing time of an author signature; it must be there.
            IncludeSigningTime = true,
            IncludeSigningCertificateV2 = true,
            // As `dotnet nuget sign` writes it: signer by subject key identifier, SignedData version 3.
            IdentifySignerByKeyIdentifier = true,
            TimestampAttribute = WellKnownOids.SignatureTimeStampToken,
            State = state,
        };
    }

    /// <inheritdoc />
    public async ValueTask EmbedAsync(string sourcePath, string outputPath, SigningInput input, SignedContent signature, ExistingSignatureAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var state = ReadPackage(sourcePath);
        if (state.Signature is not null)
        {
            switch (action)
            {
                case ExistingSignatureAction.Fail:
                    throw new SigningException(sourcePath, "already signed (choose to replace the existing signature)");
                case ExistingSignatureAction.Append:
                    throw new SigningException(sourcePath, "a NuGet package holds one author signature: appending is not possible (replace it instead)");
                case ExistingSignatureAction.Skip:
                    File.Copy(sourcePath, outputPath, overwrite: true);
                    return;
            }
        }
        ArgumentNullException.ThrowIfNull(input);
        // The entry's time is the signing time, as NuGet's signer sets it.
        var entry = new ZipStoredEntry(NuGetSignatureEntry.Name, signature.ContentInfo, input.SigningTime.UtcDateTime);
        await SignedPackageWriter.WriteAsync(sourcePath, outputPath, state.Layout, state.Signature, entry, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask CheckWrittenAsync(string sourcePath, string outputPath, SigningInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var state = ReadPackage(outputPath);
        if (state.Signature is not { } entry)
        {
            throw new SigningException(outputPath, "the written package has no signature entry");
        }
        var files = state.Layout.EntriesInFileOrder.ToList();
        if (files[^1] != entry || state.Layout.Entries[^1] != entry)
        {
            throw new SigningException(outputPath, "the written signature entry is not the package's last entry");
        }
        var packageHash = await PackageHasher.HashFileAsync(outputPath, state.Layout, entry, input.Digest, cancellationToken).ConfigureAwait(false);
        if (!packageHash.AsSpan().SequenceEqual(input.FileDigest.Span))
        {
            throw new SigningException(outputPath, "the written package does not match the hash that was signed");
        }
        var data = await NuGetSignatureEntryReader.ReadAsync(outputPath, entry, cancellationToken).ConfigureAwait(false);
        CmsSignature cms;
        try
        {
            cms = CmsSignatureReader.Read(data);
        }
        catch (CryptographicException exception)
        {
            throw new SigningException(outputPath, $"the written signature does not parse ({exception.Message})", exception);
        }
        if (cms.EncapsulatedContent is not { } content || input.EncapsulatedContent is not { } expected || !content.Span.SequenceEqual(expected.Span))
        {
            throw new SigningException(outputPath, "the written signature does not hold the signed content");
        }
        if (cms.FindSigner() is { } signer && NuGetSignerKeyRule.FindProblem(signer) is { } keyProblem)
        {
            throw new SigningException(outputPath, keyProblem);
        }
    }

    /// <inheritdoc />
    public string? FindSignerProblem(X509Certificate2 signer) => NuGetSignerKeyRule.FindProblem(signer);

    /// <inheritdoc />
    public async ValueTask<FileVerification> VerifyAsync(string path, VerificationOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return await NuGetPackageVerifier.VerifyAsync(Name, path, ReadPackage(path), options, cancellationToken).ConfigureAwait(false);
        }
        catch (SigningException exception)
        {
            return new FileVerification(path, Name, [], exception.Reason);
        }
    }

    private static NuGetPackageState ReadPackage(string path)
    {
        using var stream = OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        if (stream.Length < magic.Length || stream.Read(magic) != magic.Length || !magic.SequenceEqual(ZipRecordSignatures.LocalFileHeaderBytes))
        {
            throw new SigningException(path, "not a zip archive");
        }
        var layout = ZipArchiveReader.Read(stream, path);
        if (layout.IsZip64 || layout.Entries.Any(e => e.HasZip64Fields))
        {
            throw new SigningException(path, "zip64 packages cannot be signed (NuGet does not support signed zip64 packages)");
        }
        return new NuGetPackageState(layout, layout.Find(NuGetSignatureEntry.Name));
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new SigningException(path, $"cannot read the file ({exception.Message})", exception);
        }
    }
}
