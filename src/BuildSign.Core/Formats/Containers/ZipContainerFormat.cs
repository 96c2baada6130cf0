using BuildSign.Core.Formats.Detached;
using BuildSign.Core.Formats.Zip;
using BuildSign.Core.Verification;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Formats.Containers;

/// <summary>
/// Plain ZIP archives (.zip) and Visual Studio extensions (.vsix) as containers: the files inside
/// are signed by their own formats (recursive runs), and the archive itself gets a detached CMS
/// signature beside it, <c>FILE.p7s</c>, as <see cref="DetachedSignatureFormat"/> writes it. Unlike
/// the detached fallback it is picked up by directory walks, and a broken archive is refused.
/// </summary>
public sealed class ZipContainerFormat : IContainerFormat
{
    private readonly DetachedSignatureFormat _detached = new();

    /// <inheritdoc />
    public string Name => "zip";

    /// <inheritdoc />
    public string? EmbeddedSignatureEntry => null;

    /// <summary>Owns files by extension, so that a .zip that is not an archive gets a clear error.</summary>
    public bool Recognizes(FileHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.Extension is ".zip" or ".vsix";
    }

    /// <inheritdoc />
    public string GetSignaturePath(string path) => _detached.GetSignaturePath(path);

    /// <summary>Validates the archive (structure, names, bomb limits) and reports whether FILE.p7s exists.</summary>
    public ValueTask<FileInspection> InspectAsync(string path, CancellationToken cancellationToken)
    {
        ZipArchiveReader.ReadFile(path);
        return _detached.InspectAsync(path, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<SigningInput> PrepareAsync(string path, FileInspection inspection, SignatureOptions options, CancellationToken cancellationToken) =>
        _detached.PrepareAsync(path, inspection, options, cancellationToken);

    /// <inheritdoc />
    public ValueTask EmbedAsync(string sourcePath, string outputPath, SigningInput input, SignedContent signature, ExistingSignatureAction action, CancellationToken cancellationToken) =>
        _detached.EmbedAsync(sourcePath, outputPath, input, signature, action, cancellationToken);

    /// <inheritdoc />
    public ValueTask CheckWrittenAsync(string sourcePath, string outputPath, SigningInput input, CancellationToken cancellationToken) =>
        _detached.CheckWrittenAsync(sourcePath, outputPath, input, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<FileVerification> VerifyAsync(string path, VerificationOptions options, CancellationToken cancellationToken) =>
        (await _detached.VerifyAsync(path, options, cancellationToken).ConfigureAwait(false)) with { Format = Name };
}
