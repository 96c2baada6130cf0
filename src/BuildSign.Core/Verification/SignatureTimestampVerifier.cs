using BuildSign.Core.Cms;
using BuildSign.Core.Timestamping;
using BuildSign.Core.Verification;

namespace BuildSign.Core.Verification;

/// <summary>Finds and checks the RFC 3161 timestamp token of a signature, under either attribute OID.</summary>
internal static class SignatureTimestampVerifier
{
    /// <summary>Returns the timestamp time, or null when there is none; adds problems found.</summary>
    public static DateTimeOffset? Verify(CmsSignature cms, VerificationOptions options, List<string> problems)
    {
        var token = cms.UnsignedValues(WellKnownOids.AuthenticodeRfc3161Timestamp)
            .Concat(cms.UnsignedValues(WellKnownOids.SignatureTimeStampToken))
            .Select(v => (ReadOnlyMemory<byte>?)v)
            .FirstOrDefault();
        if (token is null)
        {
            return null;
        }
        var verification = TimestampTokenVerifier.Verify(token.Value, cms.SignatureValue.Span, options.TrustedCertificates);
        problems.AddRange(verification.Problems.Select(p => $"timestamp: {p}"));
        return verification.Time;
    }
}
