namespace BuildSign.Core;

/// <summary>Object identifiers used across formats.</summary>
public static class WellKnownOids
{
    /// <summary>id-data (PKCS#7 data).</summary>
    public const string Data = "1.2.840.113549.1.7.1";
    /// <summary>id-signedData.</summary>
    public const string SignedData = "1.2.840.113549.1.7.2";
    /// <summary>PKCS#9 contentType attribute.</summary>
    public const string ContentTypeAttribute = "1.2.840.113549.1.9.3";
    /// <summary>PKCS#9 messageDigest attribute.</summary>
    public const string MessageDigestAttribute = "1.2.840.113549.1.9.4";
    /// <summary>PKCS#9 signingTime attribute.</summary>
    public const string SigningTimeAttribute = "1.2.840.113549.1.9.5";
    /// <summary>ESS signing-certificate-v2 (RFC 5035).</summary>
    public const string SigningCertificateV2Attribute = "1.2.840.113549.1.9.16.2.47";
    /// <summary>id-aa-signatureTimeStampToken (RFC 3161), for plain CMS.</summary>
    public const string SignatureTimeStampToken = "1.2.840.113549.1.9.16.2.14";
    /// <summary>SPC_INDIRECT_DATA_OBJID, the Authenticode content type.</summary>
    public const string SpcIndirectData = "1.3.6.1.4.1.311.2.1.4";
    /// <summary>SPC_PE_IMAGE_DATA_OBJID.</summary>
    public const string SpcPeImageData = "1.3.6.1.4.1.311.2.1.15";
    /// <summary>SPC_SIPINFO_OBJID, used by script signatures.</summary>
    public const string SpcSipInfo = "1.3.6.1.4.1.311.2.1.30";
    /// <summary>SPC_STATEMENT_TYPE_OBJID.</summary>
    public const string SpcStatementType = "1.3.6.1.4.1.311.2.1.11";
    /// <summary>SPC_INDIVIDUAL_SP_KEY_PURPOSE_OBJID.</summary>
    public const string SpcIndividualCodeSigning = "1.3.6.1.4.1.311.2.1.21";
    /// <summary>SPC_SP_OPUS_INFO_OBJID.</summary>
    public const string SpcSpOpusInfo = "1.3.6.1.4.1.311.2.1.12";
    /// <summary>Microsoft RFC 3161 timestamp unsigned attribute used by Authenticode.</summary>
    public const string AuthenticodeRfc3161Timestamp = "1.3.6.1.4.1.311.3.3.1";
    /// <summary>Nested Authenticode signature unsigned attribute.</summary>
    public const string NestedSignature = "1.3.6.1.4.1.311.2.4.1";
    /// <summary>
    /// BuildSign's own OID arc, minted from the GUID c58b5dd5-2099-4c40-b698-bcc02a19d65a under
    /// Microsoft's branch for GUID-based customer OIDs (1.2.840.113556.1.8000.2554), split into
    /// 16- and 24-bit arcs as that scheme does: every arc stays below 2^28 (docs/oids.md).
    /// </summary>
    public const string BuildSignArc = "1.2.840.113556.1.8000.2554.50571.24021.8345.19520.46744.12369962.1693274";

    /// <summary>
    /// BuildSign key-protection statement (arc 1 under <see cref="BuildSignArc"/>), a signed
    /// attribute whose value is a UTF8String (hardware-local, signing-service or software).
    /// </summary>
    public const string KeyProtectionAttribute = BuildSignArc + ".1";

    /// <summary>
    /// The key-protection attribute's OID before 2026-12: a UUID under 2.25 whose last arc is far
    /// above 32 bits. Windows' and Wine's decoders truncate it and then reject the whole signature,
    /// so it is never written again; <c>verify</c> still reads it from older signatures.
    /// </summary>
    public const string LegacyKeyProtectionAttribute = "2.25.45809641269074239280330955533153287741";
}
