using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.X509;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;

namespace BuildSign.Core.Timestamping;

/// <summary>
/// A parsed RFC 3161 TimeStampToken with the checks the client and the verifier share:
/// imprint algorithm, signer certificate present, its EKU, and the CMS signature.
/// </summary>
internal sealed class TimestampToken
{
    private const string Sha1Oid = "1.3.14.3.2.26";

    private readonly TimeStampToken _token;
    private readonly X509Certificate? _signer;
    private readonly byte[] _der;

    private TimestampToken(TimeStampToken token, byte[] der)
    {
        _token = token;
        _der = der;
        Certificates = token.GetCertificates().EnumerateMatches(null)
            .Select(c => X509CertificateLoader.LoadCertificate(c.GetEncoded())).ToList();
        _signer = token.GetCertificates().EnumerateMatches(token.SignerID).FirstOrDefault();
        SignerCertificate = _signer is null ? null : X509CertificateLoader.LoadCertificate(_signer.GetEncoded());
    }

    /// <summary>Parses a token (a CMS ContentInfo); throws <see cref="SigningException"/> when it is not one.</summary>
    public static TimestampToken Parse(ReadOnlySpan<byte> der)
    {
        try
        {
            var bytes = der.ToArray();
            return new TimestampToken(new TimeStampToken(new CmsSignedData(bytes)), bytes);
        }
        catch (Exception e) when (e is CmsException or TspException or IOException or ArgumentException or InvalidCastException or InvalidOperationException)
        {
            throw new SigningException($"timestamp token is not a valid RFC 3161 token ({e.Message})", e);
        }
    }

    /// <summary>The TSA's stated time, UTC.</summary>
    public DateTimeOffset GenTime => new(DateTime.SpecifyKind(_token.TimeStampInfo.GenTime, DateTimeKind.Utc));

    /// <summary>The OID of the message imprint's hash algorithm.</summary>
    public string ImprintAlgorithmOid => _token.TimeStampInfo.MessageImprintAlgOid;

    /// <summary>The imprint algorithm, or null when BuildSign does not accept it (SHA-1 among others).</summary>
    public DigestAlgorithm? ImprintAlgorithm => DigestAlgorithms.FromOid(ImprintAlgorithmOid);

    /// <summary>The message imprint's digest.</summary>
    public byte[] ImprintDigest => _token.TimeStampInfo.GetMessageImprintDigest();

    /// <summary>The nonce as unsigned big-endian bytes without leading zeros, or null when absent.</summary>
    public byte[]? Nonce => _token.TimeStampInfo.Nonce?.ToByteArrayUnsigned();

    /// <summary>The certificate that signed the token, when the token carries it.</summary>
    public X509Certificate2? SignerCertificate { get; }

    /// <summary>Every certificate the token carries.</summary>
    public IReadOnlyList<X509Certificate2> Certificates { get; }

    /// <summary>Problems with the token itself, independent of what it should stamp. Stops at the first fatal one.</summary>
    public List<string> FindProblems()
    {
        var problems = new List<string>();
        if (ImprintAlgorithmOid == Sha1Oid)
            problems.Add("timestamp message imprint uses SHA-1, which is refused (CSBR 6.8)");
        else if (ImprintAlgorithm is null)
            problems.Add($"timestamp message imprint uses an unsupported algorithm ({ImprintAlgorithmOid})");

        if (_signer is null || SignerCertificate is null)
        {
            problems.Add("timestamp token does not include the TSA's signing certificate");
            return problems;
        }
        if (TimestampSigningCertificate.FindProblem(SignerCertificate) is { } certificateProblem)
        {
            // BouncyCastle's own check would refuse the certificate with a vaguer message.
            problems.Add(certificateProblem);
            return problems;
        }
        var now = GenTime.UtcDateTime;
        if (now < SignerCertificate.NotBefore.ToUniversalTime() || now > SignerCertificate.NotAfter.ToUniversalTime())
        {
            problems.Add($"timestamp time {now:u} is outside the validity of the TSA certificate '{SignerCertificate.Subject}'");
        }
        else if (TimestampTokenSignature.FindProblem(_der, SignerCertificate) is { } signatureProblem)
        {
            problems.Add($"{signatureProblem} ('{SignerCertificate.Subject}')");
        }
        return problems;
    }
}
