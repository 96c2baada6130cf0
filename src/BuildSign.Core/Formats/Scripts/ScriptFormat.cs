using System.Security.Cryptography;
using BuildSign.Core.Cms;
using BuildSign.Core.Formats.Authenticode;
using BuildSign.Core.Verification;

namespace BuildSign.Core.Formats.Scripts;

/// <summary>
/// Authenticode signing of PowerShell scripts and their relatives (.ps1, .psm1, .psd1, .ps1xml,
/// .psc1, .cdxml, .mof): the signature goes in a comment block at the end of the file, and the
/// digest covers the text before it as UTF-16LE. A script holds one signature.
/// </summary>
public sealed class ScriptFormat : IFileFormat
{
    /// <inheritdoc />
    public string Name => "script";

    /// <summary>The warning for a UTF-8 script without a byte order mark that holds non-ASCII text.</summary>
    public const string NoBomWarning =
        "saved as UTF-8 without a byte order mark but holds non-ASCII text: Windows PowerShell 5.1 reads it in the ANSI code page, " +
        "PowerShell 7 as UTF-8, so the signature verifies on one and fails on the other; save it as UTF-8 with a byte order mark (BOM) before signing";

    /// <inheritdoc />
    public bool Recognizes(FileHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return ScriptCommentStyle.ForExtension(head.Extension) is not null;
    }

    /// <inheritdoc />
    public async ValueTask<FileInspection> InspectAsync(string path, CancellationToken cancellationToken)
    {
        var text = await ScriptText.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        ContentLength(text, path);
        return new FileInspection(Name, ScriptSignatureBlock.Find(text.Text, StyleOf(path)) is null ? 0 : 1);
    }

    /// <inheritdoc />
    public async ValueTask<SigningInput> PrepareAsync(string path, FileInspection inspection, SignatureOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = await ScriptText.ReadAsync(path, cancellationToken).ConfigureAwait(false);
        var contentLength = ContentLength(text, path);
        var digest = ScriptDigest.Compute(text.Text.AsSpan(0, contentLength), options.Digest);
        var input = AuthenticodeSigningInput.Create(WellKnownOids.SpcSipInfo, PowerShellSipInfo.Encode(), digest, options);
        return text.IsAmbiguousWithoutBom(contentLength) ? input with { Warnings = [NoBomWarning] } : input;
    }

    /// <inheritdoc />
    public async ValueTask EmbedAsync(string sourcePath, string outputPath, SigningInput input, SignedContent signature, ExistingSignatureAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (action == ExistingSignatureAction.Append)
        {
            throw new SigningException(sourcePath, "a script holds one signature; appending is not supported");
        }
        var bytes = await File.ReadAllBytesAsync(sourcePath, cancellationToken).ConfigureAwait(false);
        var text = ScriptText.Decode(sourcePath, bytes);
        var contentLength = ContentLength(text, sourcePath);
        var block = ScriptSignatureBlock.Format(signature.ContentInfo.Span, StyleOf(sourcePath));

        await using var output = new FileStream(outputPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        // The content is copied byte for byte, so the signed text is exactly what the user wrote.
        await output.WriteAsync(bytes.AsMemory(0, text.ByteCount(contentLength)), cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(text.Encode(block), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask CheckWrittenAsync(string sourcePath, string outputPath, SigningInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = await ScriptText.ReadAsync(outputPath, cancellationToken).ConfigureAwait(false);
        if (ScriptSignatureBlock.Find(text.Text, StyleOf(sourcePath)) is not { ContentInfo: { } contentInfo } block)
        {
            throw new SigningException(sourcePath, "the signed output has no readable signature block");
        }
        var digest = ScriptDigest.Compute(text.Text.AsSpan(0, block.ContentLength), input.Digest);
        if (!digest.AsSpan().SequenceEqual(input.FileDigest.Span))
        {
            throw new SigningException(sourcePath, "file changed while being signed: the written script digest differs from the signed one");
        }
        try
        {
            var written = CmsSignatureReader.Read(contentInfo);
            if (written.EncapsulatedContent is not { } content || !content.Span.SequenceEqual((input.EncapsulatedContent ?? default).Span))
            {
                throw new SigningException(sourcePath, "the signed output does not hold the new signature");
            }
        }
        catch (CryptographicException e)
        {
            throw new SigningException(sourcePath, $"the signed output holds a malformed signature: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public ValueTask<FileVerification> VerifyAsync(string path, VerificationOptions options, CancellationToken cancellationToken) =>
        new(ScriptSignatureVerifier.VerifyAsync(path, Name, StyleOf(path), options, cancellationToken));

    private static ScriptCommentStyle StyleOf(string path) =>
        ScriptCommentStyle.ForExtension(Path.GetExtension(path).ToLowerInvariant())
        ?? throw new SigningException(path, "not a signable script type (by its extension)");

    // Signing replaces: a block that is there now is dropped along with its leading line break. A
    // malformed one is refused rather than dropped, since it may hide script text after it.
    private static int ContentLength(ScriptText text, string path)
    {
        var length = ScriptSignatureBlock.Find(text.Text, StyleOf(path)) switch
        {
            null => text.Text.Length,
            { Problem: { } problem } => throw new SigningException(path, $"{problem}; remove it before signing"),
            var block => block.ContentLength,
        };
        var bytes = text.ByteCount(length);
        if (bytes < ScriptText.MinimumSignableBytes)
        {
            throw new SigningException(path, text.IsEmpty(length)
                ? "empty script: there is nothing to sign (Windows and osslsigncode refuse to sign it too)"
                : $"script too short to sign ({bytes} bytes; Windows and osslsigncode need at least {ScriptText.MinimumSignableBytes})");
        }
        return length;
    }
}
