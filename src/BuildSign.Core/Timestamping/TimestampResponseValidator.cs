using System.Formats.Asn1;
using System.Numerics;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Tsp;

namespace BuildSign.Core.Timestamping;

/// <summary>
/// Checks a TSA's response before its token is embedded: status granted, nonce echoed, message
/// imprint as requested (never SHA-1), token signed by a certificate it carries whose
/// id-kp-timeStamping extended key usage is critical.
/// </summary>
public static class TimestampResponseValidator
{
    /// <summary>Checks a response and returns its token; throws <see cref="SigningException"/> naming the first problem.</summary>
    /// <param name="responseDer">The DER TimeStampResp the TSA returned.</param>
    /// <param name="imprintAlgorithm">The hash algorithm the request used.</param>
    /// <param name="expectedImprint">The digest the request carried.</param>
    /// <param name="expectedNonce">The nonce the request carried.</param>
    /// <param name="url">The TSA, named in the result.</param>
    public static TimestampResult Validate(ReadOnlySpan<byte> responseDer, DigestAlgorithm imprintAlgorithm, ReadOnlySpan<byte> expectedImprint, BigInteger expectedNonce, Uri? url = null)
    {
        var response = ParseResponse(responseDer);
        if (response.Status != (int)PkiStatus.Granted && response.Status != (int)PkiStatus.GrantedWithMods)
            throw new SigningException($"TSA refused the request: {DescribeRefusal(response)}");
        if (response.TimeStampToken is null)
            throw new SigningException("TSA response grants the request but carries no timestamp token");

        var tokenDer = ReadRawToken(responseDer);
        var token = TimestampToken.Parse(tokenDer);
        var problems = token.FindProblems();
        if (problems.Count > 0)
            throw new SigningException(problems[0]);
        if (token.ImprintAlgorithm != imprintAlgorithm)
            throw new SigningException($"TSA stamped a {token.ImprintAlgorithm?.DisplayName()} imprint, but {imprintAlgorithm.DisplayName()} was requested");
        if (!expectedImprint.SequenceEqual(token.ImprintDigest))
            throw new SigningException("TSA stamped a different message imprint than the one requested");
        if (token.Nonce is not { } nonce)
            throw new SigningException("TSA response does not echo the request's nonce");
        if (new BigInteger(nonce, isUnsigned: true, isBigEndian: true) != expectedNonce)
            throw new SigningException("TSA response carries a different nonce than the request (a replayed or mixed-up response)");

        return new TimestampResult(tokenDer, token.GenTime, token.SignerCertificate!, url);
    }

    private static TimeStampResponse ParseResponse(ReadOnlySpan<byte> der)
    {
        try
        {
            return new TimeStampResponse(der.ToArray());
        }
        catch (Exception e) when (e is TspException or IOException or ArgumentException or InvalidCastException or InvalidOperationException or Org.BouncyCastle.Cms.CmsException)
        {
            throw new SigningException($"TSA response is not a valid RFC 3161 TimeStampResp ({e.Message})", e);
        }
    }

    // The token is taken byte for byte from the response rather than re-encoded, so what is
    // embedded is exactly what the TSA signed and sent.
    private static byte[] ReadRawToken(ReadOnlySpan<byte> responseDer)
    {
        var reader = new AsnReader(responseDer.ToArray(), AsnEncodingRules.BER);
        var response = reader.ReadSequence();
        response.ReadEncodedValue(); // PKIStatusInfo
        return response.ReadEncodedValue().ToArray();
    }

    private static string DescribeRefusal(TimeStampResponse response)
    {
        var status = response.Status switch
        {
            (int)PkiStatus.Rejection => "rejection",
            (int)PkiStatus.Waiting => "waiting",
            (int)PkiStatus.RevocationWarning => "revocationWarning",
            (int)PkiStatus.RevocationNotification => "revocationNotification",
            var other => $"status {other}",
        };
        var parts = new List<string> { status };
        if (response.GetFailInfo() is { } failInfo)
            parts.Add("failInfo " + string.Join("+", FailureNames(failInfo.IntValue)));
        if (response.GetStatusString() is { Length: > 0 } text)
            parts.Add($"'{text.ReplaceLineEndings(" ")}'");
        return string.Join(", ", parts);
    }

    private static IEnumerable<string> FailureNames(int bits)
    {
        (int Bit, string Name)[] known =
        [
            (PkiFailureInfo.BadAlg, "badAlg"),
            (PkiFailureInfo.BadRequest, "badRequest"),
            (PkiFailureInfo.BadDataFormat, "badDataFormat"),
            (PkiFailureInfo.TimeNotAvailable, "timeNotAvailable"),
            (PkiFailureInfo.UnacceptedPolicy, "unacceptedPolicy"),
            (PkiFailureInfo.UnacceptedExtension, "unacceptedExtension"),
            (PkiFailureInfo.AddInfoNotAvailable, "addInfoNotAvailable"),
            (PkiFailureInfo.SystemFailure, "systemFailure"),
        ];
        var names = known.Where(k => (bits & k.Bit) != 0).Select(k => k.Name).ToList();
        return names.Count > 0 ? names : [$"0x{bits:x}"];
    }
}
