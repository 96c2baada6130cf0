using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BuildSign.Core.Timestamping;
using BuildSign.Core.Verification;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Timestamping;

/// <summary>Verification of embedded tokens, as the CMS verifier will use it.</summary>
public sealed class TimestampTokenVerifierTests
{
    private static readonly byte[] SignatureValue = RandomNumberGenerator.GetBytes(256);

    // null: the chain is not checked.
    private static readonly IReadOnlyList<X509Certificate2>? IntegrityOnly = null;

    private static IReadOnlyList<X509Certificate2> Anchored(X509Certificate2 root) => [root];

    private static byte[] IssueToken(byte[] signatureValue, DigestAlgorithm algorithm = DigestAlgorithm.Sha256)
    {
        var request = TimestampRequest.Create(signatureValue, algorithm);
        return TimestampResponseValidator.Validate(TestTsa.Authority.Respond(request.Der), algorithm, request.Imprint, request.Nonce).Token;
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha256)]
    [InlineData(DigestAlgorithm.Sha512)]
    public void Valid_token_anchored_in_the_test_root_has_no_problems(DigestAlgorithm algorithm)
    {
        var verification = TimestampTokenVerifier.Verify(IssueToken(SignatureValue, algorithm), SignatureValue, Anchored(TestPki.Shared.Root));

        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal(TestPki.Shared.TsaLeaf.Subject, verification.Signer);
        Assert.NotNull(verification.Time);
        Assert.InRange(verification.Time.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public void Integrity_only_does_not_check_the_chain()
    {
        var verification = TimestampTokenVerifier.Verify(IssueToken(SignatureValue), SignatureValue, IntegrityOnly);

        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
    }

    [Fact]
    public void Without_anchors_the_system_store_decides_and_a_test_tsa_is_not_in_it()
    {
        var verification = TimestampTokenVerifier.Verify(IssueToken(SignatureValue), SignatureValue, []);

        var problem = Assert.Single(verification.Problems);
        Assert.Contains("not trusted", problem);
        Assert.Contains("timestamping", problem);
    }

    [Fact]
    public void Code_signing_anchors_do_not_anchor_a_tsa()
    {
        // What verify passes for timestamps when only code-signing anchors were given: none of them.
        var options = new VerificationOptions { TrustedCertificates = [TestPki.Shared.Root] };

        var verification = TimestampTokenVerifier.Verify(IssueToken(SignatureValue), SignatureValue, options.TrustedTimestampCertificates);

        Assert.Contains("not trusted", Assert.Single(verification.Problems));
    }

    [Fact]
    public void Token_over_another_signature_value_is_an_imprint_mismatch()
    {
        var verification = TimestampTokenVerifier.Verify(IssueToken(SignatureValue), [.. SignatureValue, 1], Anchored(TestPki.Shared.Root));

        var problem = Assert.Single(verification.Problems);
        Assert.Contains("imprint does not match", problem);
        Assert.NotNull(verification.Time);
    }

    [Fact]
    public void Tampered_token_signature_is_reported()
    {
        var token = IssueToken(SignatureValue);
        // The SignerInfo's signature value ends the token (no unsigned attributes follow it).
        token[^1] ^= 0x01;

        var verification = TimestampTokenVerifier.Verify(token, SignatureValue, IntegrityOnly);

        Assert.Contains(verification.Problems, p => p.Contains("signature does not match", StringComparison.Ordinal));
    }

    [Fact]
    public void Token_from_an_unrelated_root_is_not_anchored()
    {
        using var otherKey = RSA.Create(2048);
        using var otherRoot = new CertificateRequest("CN=Unrelated Root", otherKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var verification = TimestampTokenVerifier.Verify(IssueToken(SignatureValue), SignatureValue, Anchored(otherRoot));

        var problem = Assert.Single(verification.Problems);
        Assert.Contains("not trusted (no path to a root trusted for timestamping)", problem);
    }

    [Fact]
    public void Token_signed_with_a_non_critical_eku_is_reported()
    {
        var (certificate, key) = ForgedTimestampResponse.TsaCertificate([TestTsa.TimeStampingEku], critical: false);
        using var _ = key;
        var request = TimestampRequest.Create(SignatureValue, DigestAlgorithm.Sha256);
        var response = ForgedTimestampResponse.Create(certificate, key, DigestAlgorithm.Sha256.Oid(), request.Imprint, 1);
        var token = ExtractToken(response);

        var verification = TimestampTokenVerifier.Verify(token, SignatureValue, IntegrityOnly);

        Assert.Contains(verification.Problems, p => p.Contains("not marked critical", StringComparison.Ordinal));
    }

    [Fact]
    public void Sha1_imprint_is_reported()
    {
        var (certificate, key) = (TestPki.Shared.TsaLeaf, TestPki.Shared.TsaKey);
        var response = ForgedTimestampResponse.Create(certificate, key, "1.3.14.3.2.26", SHA1.HashData(SignatureValue), 1);

        var verification = TimestampTokenVerifier.Verify(ExtractToken(response), SignatureValue, IntegrityOnly);

        Assert.Contains(verification.Problems, p => p.Contains("SHA-1", StringComparison.Ordinal));
    }

    [Fact]
    public void Garbage_is_reported_not_thrown()
    {
        var verification = TimestampTokenVerifier.Verify(new byte[] { 0x30, 0x02, 0x05, 0x00 }, SignatureValue, IntegrityOnly);

        Assert.False(verification.IsValid);
        Assert.Null(verification.Time);
        Assert.Contains("not a valid RFC 3161 token", Assert.Single(verification.Problems));
    }

    private static byte[] ExtractToken(byte[] response)
    {
        var reader = new System.Formats.Asn1.AsnReader(response, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        reader.ReadEncodedValue();
        return reader.ReadEncodedValue().ToArray();
    }
}
