namespace BuildSign.Core.Cms;

/// <summary>
/// What a format asks the signer to sign for one file: the CMS content and the attributes that
/// the signature covers. The pipeline adds contentType, messageDigest and the key-protection
/// attribute itself.
/// </summary>
public sealed record SigningInput
{
    /// <summary>The CMS eContentType OID (id-data, SPC_INDIRECT_DATA, ...).</summary>
    public required string ContentType { get; init; }

    /// <summary>
    /// The encapsulated content, or null for a detached signature. For id-data it is wrapped in an
    /// OCTET STRING; for Authenticode's SPC_INDIRECT_DATA it must be the DER of a single ASN.1 value
    /// and is embedded as that value, as PKCS#7 v1.5 and Authenticode require.
    /// </summary>
    public ReadOnlyMemory<byte>? EncapsulatedContent { get; init; }

    /// <summary>The value of the messageDigest signed attribute.</summary>
    public required ReadOnlyMemory<byte> MessageDigest { get; init; }

    /// <summary>The digest algorithm of the message digest and of the signature.</summary>
    public required DigestAlgorithm Digest { get; init; }

    /// <summary>The digest of the file itself (the Authenticode image digest, the package hash), for output.</summary>
    public required ReadOnlyMemory<byte> FileDigest { get; init; }

    /// <summary>Format-specific signed attributes, in the order they should be listed.</summary>
    public IReadOnlyList<SignedAttribute> SignedAttributes { get; init; } = [];

    /// <summary>Whether to add a signingTime attribute (it makes signatures non-deterministic).</summary>
    public bool IncludeSigningTime { get; init; }

    /// <summary>The signingTime value, when <see cref="IncludeSigningTime"/> is set.</summary>
    public DateTimeOffset SigningTime { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Whether to add an ESS signing-certificate-v2 attribute naming the signer certificate.</summary>
    public bool IncludeSigningCertificateV2 { get; init; }

    /// <summary>
    /// Whether the SignerInfo names its certificate by subject key identifier (SignerInfo and
    /// SignedData version 3, as NuGet's own signer writes) instead of issuer and serial number.
    /// </summary>
    public bool IdentifySignerByKeyIdentifier { get; init; }

    /// <summary>The unsigned attribute OID a timestamp token goes under for this format.</summary>
    public required string TimestampAttribute { get; init; }

    /// <summary>
    /// What the user should know about this file's signature although it is made (a script whose
    /// text Windows may read differently, for one): reasons without the file name, which the
    /// pipeline adds to the file's result.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Format-private state carried from preparing to embedding, so a file is parsed once.</summary>
    public object? State { get; init; }
}
