using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Timestamping;

/// <summary>
/// A parsed RFC 3161 TimeStampToken with the checks the client and the verifier share: strict
/// DER, content type id-ct-TSTInfo, known imprint algorithm, signer certificate present, its EKU,
/// and the CMS signature.
/// </summary>
internal sealed class TimestampToken
{
    /// <summary>id-ct-TSTInfo.</summary>
    public const string TstInfoContentType = "1.2.840.113549.1.9.16.1.4";

    private const string Sha1Oid = "1.3.14.3.2.26";

    private readonly CmsSignature _cms;
    private readonly TstInfo _info;

    private TimestampToken(CmsSignature cms, TstInfo info)
    {
        _cms = cms;
        _info = info;
        SignerCertificate = cms.FindSigner();
    }

    /// <summary>Parses a token (a CMS ContentInfo); throws <see cref="SigningException"/> when it is not one.</summary>
    public static TimestampToken Parse(ReadOnlyMemory<byte> der)
    {
        try
        {
            var cms = CmsSignatureReader.Read(der);
            if (cms.ContentType != TstInfoContentType)
                throw new SigningException($"timestamp token holds content of type {cms.ContentType}, not a TSTInfo");
            if (cms.EncapsulatedContent is not { } content)
                throw new SigningException("timestamp token carries no TSTInfo");
            return new TimestampToken(cms, TstInfo.Decode(content));
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException)
        {
            throw new SigningException($"timestamp token is not a valid RFC 3161 token ({e.Message})", e);
        }
    }

    /// <summary>The TSA's stated time, UTC.</summary>
    public DateTimeOffset GenTime => _info.GenTime.ToUniversalTime();

    /// <summary>The OID of the message imprint's hash algorithm.</summary>
    public string ImprintAlgorithmOid => _info.ImprintAlgorithmOid;

    /// <summary>The imprint algorithm, or null when BuildSign does not accept it (SHA-1 among others).</summary>
    public DigestAlgorithm? ImprintAlgorithm => DigestAlgorithms.FromOid(ImprintAlgorithmOid);

    /// <summary>The message imprint's digest.</summary>
    public byte[] ImprintDigest => _info.ImprintDigest;

    /// <summary>The nonce, or null when absent.</summary>
    public BigInteger? Nonce => _info.Nonce;

    /// <summary>The certificate that signed the token, when the token carries it.</summary>
    public X509Certificate2? SignerCertificate { get; }

    /// <summary>Every certificate the token carries.</summary>
    public IReadOnlyList<X509Certificate2> Certificates => _cms.Certificates;

    /// <summary>Problems with the token itself, independent of what it should stamp. Stops at the first fatal one.</summary>
    public List<string> FindProblems()
    {
        var problems = new List<string>();
        if (ImprintAlgorithmOid == Sha1Oid)
            problems.Add("timestamp message imprint uses SHA-1, which is refused (CSBR 6.8)");
        else if (ImprintAlgorithm is null)
            problems.Add($"timestamp message imprint uses an unsupported algorithm ({ImprintAlgorithmOid})");
        else if (ImprintDigest.Length != ImprintAlgorithm.Value.SizeInBytes())
            problems.Add("timestamp message imprint has the wrong length for its algorithm");

        if (SignerCertificate is null)
        {
            problems.Add("timestamp token does not include the TSA's signing certificate");
            return problems;
        }
        if (TimestampSigningCertificate.FindProblem(SignerCertificate) is { } certificateProblem)
        {
            problems.Add(certificateProblem);
            return problems;
        }
        var now = GenTime.UtcDateTime;
        if (now < SignerCertificate.NotBefore.ToUniversalTime() || now > SignerCertificate.NotAfter.ToUniversalTime())
        {
            problems.Add($"timestamp time {now:u} is outside the validity of the TSA certificate '{SignerCertificate.Subject}'");
        }
        else if (TimestampTokenSignature.FindProblem(_cms, SignerCertificate) is { } signatureProblem)
        {
            problems.Add($"{signatureProblem} ('{SignerCertificate.Subject}')");
        }
        return problems;
    }
}
