using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.Utilities.Collections;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

using BuildSign.Core;
using BuildSign.Core.Timestamping;

namespace BuildSign.DevTools.Timestamping;

/// <summary>
/// A small RFC 3161 timestamp authority for development and tests: turns a TimeStampReq into a
/// signed TimeStampResp. Serial numbers increase; genTime is the current UTC time with an
/// accuracy of one second. Accepts SHA-256, SHA-384 and SHA-512 imprints. Thread-safe.
/// Not an audited TSA: production signing must use one.
/// </summary>
public sealed class TimestampAuthority
{
    /// <summary>
    /// The policy stated in tokens unless another is given: BuildSign's development TSA policy,
    /// arc 2 under BuildSign's GUID-based OID arc (docs/oids.md; every arc below 2^28).
    /// </summary>
    public const string DefaultPolicyOid = "1.2.840.113556.1.8000.2554.50571.24021.8345.19520.46744.12369962.1693274.2";

    private static readonly IList<string> AcceptedImprintAlgorithms = [TspAlgorithms.Sha256, TspAlgorithms.Sha384, TspAlgorithms.Sha512];

    private readonly TsaSignatureFactory _signatures;
    private readonly BcCertificate _certificate;
    private readonly IStore<BcCertificate> _certificates;
    private readonly TimeProvider _time;
    private long _lastSerial;

    /// <summary>Creates an authority that signs with <paramref name="privateKey"/> (RSA or ECDSA) under <paramref name="certificate"/>.</summary>
    /// <param name="certificate">The TSA certificate; it must carry id-kp-timeStamping as its only, critical, extended key usage.</param>
    /// <param name="privateKey">The certificate's private key; it must be exportable.</param>
    /// <param name="policyOid">The TSA policy stated in each token; <see cref="DefaultPolicyOid"/> when null.</param>
    /// <param name="timeProvider">The clock genTime is read from; the system clock when null (tests stamp other times).</param>
    public TimestampAuthority(X509Certificate2 certificate, AsymmetricAlgorithm privateKey, string? policyOid = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(privateKey);
        if (TimestampSigningCertificate.FindProblem(certificate) is { } problem)
            throw new SigningException(problem);
        if (policyOid is not null && ObjectIdentifierRule.FindProblem(policyOid) is { } policyProblem)
            throw new SigningException($"TSA policy: {policyProblem}");
        Certificate = certificate;
        PolicyOid = policyOid ?? DefaultPolicyOid;
        _certificate = new BcCertificate(certificate.RawData);
        _signatures = new TsaSignatureFactory(CopyKey(privateKey));
        _certificates = CollectionUtilities.CreateStore([_certificate]);
        _time = timeProvider ?? TimeProvider.System;
        // Serials start at the current time so they keep increasing across restarts.
        _lastSerial = DateTime.UtcNow.Ticks;
    }

    /// <summary>The TSA certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The policy stated in tokens.</summary>
    public string PolicyOid { get; }

    /// <summary>Loads the TSA certificate and its private key (PKCS#8, PKCS#1 or SEC1 PEM) from files.</summary>
    public static TimestampAuthority FromPemFiles(string certificatePath, string privateKeyPath, string? policyOid = null)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, privateKeyPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new SigningException($"cannot load the TSA certificate '{certificatePath}' with key '{privateKeyPath}': {e.Message}", e);
        }
        AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()
            ?? throw new SigningException($"TSA key '{privateKeyPath}' is neither RSA nor ECDSA");
        using (key)
        {
            return new TimestampAuthority(X509CertificateLoader.LoadCertificate(certificate.RawData), key, policyOid);
        }
    }

    // The authority keeps its own copy: the caller may dispose its key.
    private static AsymmetricAlgorithm CopyKey(AsymmetricAlgorithm key)
    {
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            switch (key)
            {
                case RSA:
                    var rsa = RSA.Create();
                    rsa.ImportPkcs8PrivateKey(pkcs8, out _);
                    return rsa;
                case ECDsa:
                    var ecdsa = ECDsa.Create();
                    ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
                    return ecdsa;
                default:
                    throw new SigningException("TSA key must be RSA or ECDSA");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>
    /// Answers a DER TimeStampReq with a DER TimeStampResp: granted with a token, or rejection
    /// (badDataFormat, badAlg, ...) when the request is malformed or asks for what this TSA does not do.
    /// </summary>
    public byte[] Respond(ReadOnlySpan<byte> requestDer)
    {
        // The certificate's ESS identifier is SHA-256 (signing-certificate-v2); the issuer and serial are included.
        var signer = new SignerInfoGeneratorBuilder().Build(_signatures, _certificate);
        var tokens = new TimeStampTokenGenerator(signer, Asn1DigestFactory.Get(NistObjectIdentifiers.IdSha256), new DerObjectIdentifier(PolicyOid), true);
        tokens.SetCertificates(_certificates);
        tokens.SetAccuracySeconds(1);
        var responder = new TimeStampResponseGenerator(tokens, AcceptedImprintAlgorithms);

        TimeStampRequest request;
        try
        {
            request = new TimeStampRequest(requestDer.ToArray());
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidCastException or InvalidOperationException)
        {
            return responder.GenerateFailResponse(PkiStatus.Rejection, PkiFailureInfo.BadDataFormat, "request is not a DER TimeStampReq").GetEncoded();
        }
        var serial = BcBigInteger.ValueOf(Interlocked.Increment(ref _lastSerial));
        return responder.Generate(request, serial, _time.GetUtcNow().UtcDateTime).GetEncoded();
    }
}
