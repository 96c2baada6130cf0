using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Timestamping;

/// <summary>The rules a TSA's signing certificate must meet (RFC 3161 2.3, CSBR 7.1.2.3).</summary>
internal static class TimestampSigningCertificate
{
    /// <summary>id-kp-timeStamping.</summary>
    public const string TimeStampingEku = "1.3.6.1.5.5.7.3.8";

    private const string ExtendedKeyUsageOid = "2.5.29.37";

    /// <summary>Describes why the certificate may not sign timestamps, or null when it may.</summary>
    public static string? FindProblem(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[ExtendedKeyUsageOid];
        if (extension is null)
            return $"TSA certificate '{certificate.Subject}' has no extended key usage (id-kp-timeStamping is required)";
        var usages = new X509EnhancedKeyUsageExtension(extension, extension.Critical).EnhancedKeyUsages
            .Cast<System.Security.Cryptography.Oid>().Select(o => o.Value).ToList();
        if (!usages.Contains(TimeStampingEku))
            return $"TSA certificate '{certificate.Subject}' lacks the id-kp-timeStamping extended key usage";
        if (!extension.Critical)
            return $"TSA certificate '{certificate.Subject}' has the id-kp-timeStamping extended key usage, but not marked critical";
        // RFC 3161 2.3: timeStamping must be the only purpose.
        if (usages.Count != 1)
            return $"TSA certificate '{certificate.Subject}' has extended key usages besides id-kp-timeStamping";
        return null;
    }
}
