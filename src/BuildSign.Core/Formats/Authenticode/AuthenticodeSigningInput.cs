using BuildSign.Core.Cms;
namespace BuildSign.Core.Formats.Authenticode;

/// <summary>
/// The <see cref="SigningInput"/> every Authenticode format asks for: an SpcIndirectDataContent
/// naming the subject type (PE image, script SIP) and its digest, the Authenticode statement
/// attributes, no signingTime, and the Microsoft RFC 3161 timestamp attribute.
/// </summary>
public static class AuthenticodeSigningInput
{
    /// <summary>Builds the signing input for a subject digest.</summary>
    /// <param name="subjectType">SPC_PE_IMAGE_DATA or SPC_SIPINFO.</param>
    /// <param name="subjectValue">The DER of the subject value (SpcPeImageData, SpcSipInfo).</param>
    /// <param name="fileDigest">The Authenticode digest of the file.</param>
    /// <param name="options">Digest algorithm, description and URL.</param>
    /// <param name="state">Format-private state for embedding.</param>
    public static SigningInput Create(string subjectType, byte[] subjectValue, byte[] fileDigest, SignatureOptions options, object? state = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var content = new SpcIndirectDataContent(subjectType, subjectValue, options.Digest, fileDigest).Encode();
        return new SigningInput
        {
            ContentType = WellKnownOids.SpcIndirectData,
            EncapsulatedContent = content,
            MessageDigest = SpcIndirectDataContent.ContentDigest(content, options.Digest),
            Digest = options.Digest,
            FileDigest = fileDigest,
            SignedAttributes = AuthenticodeSignedAttributes.Create(options),
            // No signingTime: the timestamp supplies the time, and signatures stay reproducible.
            IncludeSigningTime = false,
            TimestampAttribute = WellKnownOids.AuthenticodeRfc3161Timestamp,
            State = state,
        };
    }
}
