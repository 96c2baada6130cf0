using BuildSign.Core.Cms;
using BuildSign.Core.Formats;
using BuildSign.Core.Verification;

namespace BuildSign.Core.Tests.Verifying;

/// <summary>
/// For detached signatures the mutant is the <c>.p7s</c>: verify is asked about the content file
/// whose signature the mutant is.
/// </summary>
internal sealed class MutatedSignatureFile(IFileFormat inner, string content) : IFileFormat
{
    public string Name => inner.Name;
    public bool Recognizes(FileHead head) => inner.Recognizes(head);
    public ValueTask<FileInspection> InspectAsync(string path, CancellationToken cancellationToken) => inner.InspectAsync(path, cancellationToken);
    public ValueTask<SigningInput> PrepareAsync(string path, FileInspection inspection, SignatureOptions options, CancellationToken cancellationToken) => inner.PrepareAsync(path, inspection, options, cancellationToken);
    public ValueTask EmbedAsync(string sourcePath, string outputPath, SigningInput input, SignedContent signature, ExistingSignatureAction action, CancellationToken cancellationToken) => inner.EmbedAsync(sourcePath, outputPath, input, signature, action, cancellationToken);
    public ValueTask CheckWrittenAsync(string sourcePath, string outputPath, SigningInput input, CancellationToken cancellationToken) => inner.CheckWrittenAsync(sourcePath, outputPath, input, cancellationToken);
    public ValueTask<FileVerification> VerifyAsync(string path, VerificationOptions options, CancellationToken cancellationToken) => inner.VerifyAsync(content, options, cancellationToken);
}
