using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Timestamping;

/// <summary>A checked RFC 3161 timestamp, ready to embed.</summary>
/// <param name="Token">
/// The DER of the TimeStampToken (a CMS ContentInfo), as the TSA sent it: the value of the
/// unsigned attribute (1.3.6.1.4.1.311.3.3.1 for Authenticode, 1.2.840.113549.1.9.16.2.14 for plain CMS).
/// </param>
/// <param name="GenTime">The time the TSA states, in UTC.</param>
/// <param name="TsaCertificate">The certificate that signed the token.</param>
/// <param name="Url">The TSA that issued it.</param>
public sealed record TimestampResult(byte[] Token, DateTimeOffset GenTime, X509Certificate2 TsaCertificate, Uri? Url = null);
