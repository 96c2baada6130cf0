using BuildSign.Core.Cms;
using BuildSign.Core.Timestamping;
using BuildSign.Core.Verification;

namespace BuildSign.Core.Verification;

/// <summary>Finds and checks the RFC 3161 timestamp token of a signature, under either attribute OID.</summary>
internal static class SignatureTimestampVerifier
{
    /// <summary>Returns the token's verification, or null when there is none; adds problems found.</summary>
    public static TimestampVerification? Verify(CmsSignature cms, VerificationOptions options, List<string> problems)
    {
        var tokens = cms.UnsignedValues(WellKnownOids.AuthenticodeRfc3161Timestamp)
            .Concat(cms.UnsignedValues(WellKnownOids.SignatureTimeStampToken))
            .ToList();
        if (tokens.Count == 0)
        {
            return null;
        }
        if (tokens.Count > 1)
        {
            // Which time would count? Signers write one; two is tampering or a broken signer.
            problems.Add("timestamp: the signature carries more than one timestamp token");
            return new TimestampVerification(null, null, ["more than one timestamp token"]);
        }
        var verification = TimestampTokenVerifier.Verify(tokens[0], cms.SignatureValue.Span, options.IntegrityOnly ? null : options.TrustedTimestampCertificates);
        problems.AddRange(verification.Problems.Select(p => $"timestamp: {p}"));
        return verification;
    }
}
