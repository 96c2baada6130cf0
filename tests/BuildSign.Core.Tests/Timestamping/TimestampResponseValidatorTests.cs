using BuildSign.Core.Timestamping;
using BuildSign.DevTools.Timestamping;
using BuildSign.Testing;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.Utilities.Collections;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace BuildSign.Core.Tests.Timestamping;

/// <summary>Responses the validator must refuse before anything is embedded.</summary>
public sealed class TimestampResponseValidatorTests
{
    private static readonly byte[] SignatureValue = [0x30, 0x31, 0x32, 0x33];

    [Fact]
    public void Accepts_a_good_response_and_returns_the_token_as_sent()
    {
        var request = TimestampRequest.Create(SignatureValue, DigestAlgorithm.Sha256);
        var response = TestTsa.Authority.Respond(request.Der);

        var result = TimestampResponseValidator.Validate(response, DigestAlgorithm.Sha256, request.Imprint, request.Nonce);

        Assert.Equal(TestPki.Shared.TsaLeaf.Thumbprint, result.TsaCertificate.Thumbprint);
        // The token is the response's second element, byte for byte.
        Assert.True(response.AsSpan().IndexOf(result.Token) > 0);
    }

    [Theory]
    [InlineData(new[] { TestTsa.TimeStampingEku }, false, "not marked critical")]
    [InlineData(new[] { TestTsa.CodeSigningEku }, true, "lacks the id-kp-timeStamping")]
    [InlineData(new string[0], true, "no extended key usage")]
    [InlineData(new[] { TestTsa.TimeStampingEku, TestTsa.CodeSigningEku }, true, "besides id-kp-timeStamping")]
    public void Tsa_certificate_without_a_sole_critical_timestamping_eku_is_refused(string[] ekus, bool critical, string expected)
    {
        var (certificate, key) = ForgedTimestampResponse.TsaCertificate(ekus, critical);
        using var _ = key;
        var request = TimestampRequest.Create(SignatureValue, DigestAlgorithm.Sha256);
        var response = ForgedTimestampResponse.Create(certificate, key, DigestAlgorithm.Sha256.Oid(), request.Imprint, 12345);

        var error = Assert.Throws<SigningException>(() => TimestampResponseValidator.Validate(response, DigestAlgorithm.Sha256, request.Imprint, 12345));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Forged_response_from_a_proper_tsa_certificate_is_accepted()
    {
        // The forging itself is sound: with the test PKI's TSA it passes, so the refusals above are about the EKU.
        var request = TimestampRequest.Create(SignatureValue, DigestAlgorithm.Sha256);
        var response = ForgedTimestampResponse.Create(TestPki.Shared.TsaLeaf, TestPki.Shared.TsaKey, DigestAlgorithm.Sha256.Oid(), request.Imprint, 12345);

        var result = TimestampResponseValidator.Validate(response, DigestAlgorithm.Sha256, request.Imprint, 12345);

        Assert.Equal(TestPki.Shared.TsaLeaf.Thumbprint, result.TsaCertificate.Thumbprint);
    }

    [Fact]
    public void Authority_refuses_a_certificate_without_critical_timestamping_eku()
    {
        var (certificate, key) = ForgedTimestampResponse.TsaCertificate([TestTsa.TimeStampingEku], critical: false);
        using var _ = key;

        var error = Assert.Throws<SigningException>(() => new TimestampAuthority(certificate, key));

        Assert.Contains("not marked critical", error.Message);
    }

    [Fact]
    public void Response_to_another_nonce_is_refused()
    {
        var sent = TimestampRequest.Create(SignatureValue, DigestAlgorithm.Sha256);
        var other = TimestampRequest.Create(SignatureValue, DigestAlgorithm.Sha256);
        Assert.NotEqual(sent.Nonce, other.Nonce);

        var error = Assert.Throws<SigningException>(() => TimestampResponseValidator.Validate(TestTsa.Authority.Respond(other.Der), DigestAlgorithm.Sha256, sent.Imprint, sent.Nonce));

        Assert.Contains("different nonce", error.Message);
    }

    [Fact]
    public void Response_for_another_imprint_is_refused()
    {
        var sent = TimestampRequest.Create(SignatureValue, DigestAlgorithm.Sha256);
        var other = TimestampRequest.Create([.. SignatureValue, 0x34], DigestAlgorithm.Sha256);

        var error = Assert.Throws<SigningException>(() => TimestampResponseValidator.Validate(TestTsa.Authority.Respond(other.Der), DigestAlgorithm.Sha256, sent.Imprint, other.Nonce));

        Assert.Contains("imprint does not match the one requested", error.Message);
    }

    [Fact]
    public void Response_with_another_imprint_algorithm_is_refused()
    {
        var other = TimestampRequest.Create(SignatureValue, DigestAlgorithm.Sha512);

        var error = Assert.Throws<SigningException>(() => TimestampResponseValidator.Validate(TestTsa.Authority.Respond(other.Der), DigestAlgorithm.Sha256, DigestAlgorithm.Sha256.Hash(SignatureValue), other.Nonce));

        Assert.Contains("sha512 imprint, but sha256 was requested", error.Message);
    }

    [Fact]
    public void Response_without_nonce_is_refused()
    {
        var withoutNonce = new TimeStampRequestGenerator();
        withoutNonce.SetCertReq(true);
        var imprint = DigestAlgorithm.Sha256.Hash(SignatureValue);
        var request = withoutNonce.Generate(TspAlgorithms.Sha256, imprint);

        var error = Assert.Throws<SigningException>(() => TimestampResponseValidator.Validate(TestTsa.Authority.Respond(request.GetEncoded()), DigestAlgorithm.Sha256, imprint, 1));

        Assert.Contains("does not echo the request's nonce", error.Message);
    }

    [Fact]
    public void Sha1_imprint_is_refused()
    {
        // The development TSA refuses SHA-1, so a permissive one is made here with BouncyCastle.
        var key = PrivateKeyFactory.CreateKey(TestPki.Shared.TsaKey.ExportPkcs8PrivateKey());
        var certificate = new BcCertificate(TestPki.Shared.TsaLeaf.RawData);
        var tokens = new TimeStampTokenGenerator(key, certificate, TspAlgorithms.Sha256, TimestampAuthority.DefaultPolicyOid);
        tokens.SetCertificates(CollectionUtilities.CreateStore([certificate]));
        var responder = new TimeStampResponseGenerator(tokens, TspAlgorithms.Allowed);
        var requests = new TimeStampRequestGenerator();
        requests.SetCertReq(true);
        var imprint = System.Security.Cryptography.SHA1.HashData(SignatureValue);
        var request = requests.Generate(TspAlgorithms.Sha1, imprint, BcBigInteger.ValueOf(77));
        var response = responder.Generate(request, BcBigInteger.One, DateTime.UtcNow);
        Assert.Equal(0, response.Status);

        var error = Assert.Throws<SigningException>(() => TimestampResponseValidator.Validate(response.GetEncoded(), DigestAlgorithm.Sha256, imprint, 77));

        Assert.Contains("SHA-1", error.Message);
    }

    [Fact]
    public void Rejection_is_reported_with_status_and_failure_info()
    {
        var requests = new TimeStampRequestGenerator();
        requests.SetCertReq(true);
        var imprint = System.Security.Cryptography.SHA1.HashData(SignatureValue);
        var sha1Request = requests.Generate(TspAlgorithms.Sha1, imprint, BcBigInteger.ValueOf(5));

        var error = Assert.Throws<SigningException>(() => TimestampResponseValidator.Validate(TestTsa.Authority.Respond(sha1Request.GetEncoded()), DigestAlgorithm.Sha256, imprint, 5));

        Assert.Contains("TSA refused the request: rejection", error.Message);
        Assert.Contains("badAlg", error.Message);
    }

    [Fact]
    public void Garbage_request_gets_a_bad_data_format_rejection()
    {
        var error = Assert.Throws<SigningException>(() => TimestampResponseValidator.Validate(TestTsa.Authority.Respond([0x30, 0x03, 0x02, 0x01, 0x01]), DigestAlgorithm.Sha256, new byte[32], 1));

        Assert.Contains("badDataFormat", error.Message);
    }

    [Fact]
    public void Garbage_response_is_refused_clearly()
    {
        var error = Assert.Throws<SigningException>(() => TimestampResponseValidator.Validate("<html>busy</html>"u8, DigestAlgorithm.Sha256, new byte[32], 1));

        Assert.Contains("not a valid RFC 3161", error.Message);
    }

    [Fact]
    public void Response_without_certificate_is_refused()
    {
        var withoutCert = new TimeStampRequestGenerator();
        withoutCert.SetCertReq(false);
        var imprint = DigestAlgorithm.Sha256.Hash(SignatureValue);
        var request = withoutCert.Generate(TspAlgorithms.Sha256, imprint, BcBigInteger.ValueOf(9));

        var error = Assert.Throws<SigningException>(() => TimestampResponseValidator.Validate(TestTsa.Authority.Respond(request.GetEncoded()), DigestAlgorithm.Sha256, imprint, 9));

        Assert.Contains("does not include the TSA's signing certificate", error.Message);
    }
}
