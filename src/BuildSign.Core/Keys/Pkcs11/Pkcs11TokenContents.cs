namespace BuildSign.Core.Keys.Pkcs11;

/// <summary>What a token holds, for <c>buildsign keys list</c>.</summary>
/// <param name="TokenLabel">The token's label.</param>
/// <param name="SerialNumber">The token's serial number.</param>
/// <param name="LoggedIn">True when the listing logged in, so private keys are included.</param>
/// <param name="Keys">The private keys.</param>
/// <param name="Certificates">The X.509 certificates.</param>
public sealed record Pkcs11TokenContents(string TokenLabel, string SerialNumber, bool LoggedIn, IReadOnlyList<Pkcs11KeyEntry> Keys, IReadOnlyList<Pkcs11CertificateEntry> Certificates);

/// <summary>A private key in a token.</summary>
/// <param name="Label">CKA_LABEL, or null when the key has none.</param>
/// <param name="IdHex">CKA_ID in lower-case hex (empty when the key has none).</param>
/// <param name="Algorithm">RSA or ECDSA, or null for a key type BuildSign does not sign with.</param>
/// <param name="KeySizeInBits">Modulus size for RSA, field size for ECDSA, when the token tells.</param>
/// <param name="CanSign">CKA_SIGN.</param>
/// <param name="CertificateSubject">The subject of the certificate with the same id, if the token holds one.</param>
/// <param name="CertificateNotAfter">When that certificate expires.</param>
public sealed record Pkcs11KeyEntry(string? Label, string IdHex, KeyAlgorithm? Algorithm, int? KeySizeInBits, bool CanSign, string? CertificateSubject, DateTimeOffset? CertificateNotAfter);

/// <summary>A certificate in a token.</summary>
/// <param name="Label">CKA_LABEL, or null.</param>
/// <param name="IdHex">CKA_ID in lower-case hex.</param>
/// <param name="Subject">The certificate subject.</param>
/// <param name="Issuer">The certificate issuer.</param>
/// <param name="NotAfter">When it expires.</param>
public sealed record Pkcs11CertificateEntry(string? Label, string IdHex, string Subject, string Issuer, DateTimeOffset NotAfter);
