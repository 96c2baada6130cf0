using System.Formats.Asn1;
using System.Numerics;
using System.Text;

namespace BuildSign.Core.Timestamping;

/// <summary>
/// Checks a TSA's response before its token is embedded: strict DER, status granted, and then the
/// token with the very checks <see cref="TimestampTokenVerifier"/> applies in verify (strict
/// decoding, known algorithms, the TSA's signature over the signed attributes, its critical
/// id-kp-timeStamping usage), plus what only the requester knows: the imprint and the nonce.
/// Whatever is wrong comes out as one <see cref="SigningException"/> line, never another exception.
/// </summary>
public static class TimestampResponseValidator
{
    private const int Granted = 0;
    private const int GrantedWithMods = 1;

    /// <summary>Checks a response and returns its token; throws <see cref="SigningException"/> naming the first problem.</summary>
    /// <param name="responseDer">The DER TimeStampResp the TSA returned.</param>
    /// <param name="imprintAlgorithm">The hash algorithm the request used.</param>
    /// <param name="expectedImprint">The digest the request carried.</param>
    /// <param name="expectedNonce">The nonce the request carried.</param>
    /// <param name="url">The TSA, named in the result.</param>
    public static TimestampResult Validate(ReadOnlySpan<byte> responseDer, DigestAlgorithm imprintAlgorithm, ReadOnlySpan<byte> expectedImprint, BigInteger expectedNonce, Uri? url = null)
    {
        var (status, tokenDer) = ReadResponse(responseDer.ToArray());
        if (status.Code is not (Granted or GrantedWithMods))
            throw new SigningException($"TSA refused the request: {status.Describe()}");
        if (tokenDer is not { } token)
            throw new SigningException("TSA response grants the request but carries no timestamp token");

        var requested = expectedImprint.ToArray();
        var (verification, parsed) = TimestampTokenVerifier.Verify(token, algorithm => algorithm == imprintAlgorithm ? requested : [], trustAnchors: null, "the one requested (the TSA stamped something else)");
        if (parsed?.ImprintAlgorithm is { } stamped && stamped != imprintAlgorithm)
            throw new SigningException($"TSA stamped a {stamped.DisplayName()} imprint, but {imprintAlgorithm.DisplayName()} was requested");
        if (verification.Problems.Count > 0 || parsed is null)
            throw new SigningException(verification.Problems[0]);
        if (parsed.Nonce is not { } nonce)
            throw new SigningException("TSA response does not echo the request's nonce");
        if (nonce != expectedNonce)
            throw new SigningException("TSA response carries a different nonce than the request (a replayed or mixed-up response)");
        return new TimestampResult(token.ToArray(), parsed.GenTime, parsed.SignerCertificate!, url);
    }

    // The token is taken byte for byte from the response rather than re-encoded, so what is
    // embedded is exactly what the TSA signed and sent.
    private static (PkiStatus Status, ReadOnlyMemory<byte>? Token) ReadResponse(byte[] der)
    {
        try
        {
            var top = new AsnReader(der, AsnEncodingRules.DER);
            var response = top.ReadSequence();
            top.ThrowIfNotEmpty();
            var status = PkiStatus.Read(response.ReadSequence());
            ReadOnlyMemory<byte>? token = response.HasData ? response.ReadEncodedValue() : null;
            response.ThrowIfNotEmpty();
            return (status, token);
        }
        catch (AsnContentException e)
        {
            throw new SigningException($"TSA response is not a valid RFC 3161 TimeStampResp in DER ({e.Message})", e);
        }
    }

    /// <summary>PKIStatusInfo (RFC 3161 2.4.2): the status, the server's text, the failure bits.</summary>
    private sealed record PkiStatus(int Code, string? Text, int FailureBits)
    {
        public static PkiStatus Read(AsnReader info)
        {
            if (!info.TryReadInt32(out var code))
                throw new AsnContentException("PKIStatus is out of range");
            string? text = null;
            if (info.HasData && info.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var texts = info.ReadSequence();
                var parts = new List<string>();
                while (texts.HasData)
                    parts.Add(texts.ReadCharacterString(UniversalTagNumber.UTF8String));
                text = string.Join(" ", parts);
            }
            var bits = 0;
            if (info.HasData)
            {
                var failInfo = info.ReadBitString(out _);
                for (var i = 0; i < Math.Min(failInfo.Length * 8, 31); i++)
                {
                    if ((failInfo[i / 8] & (0x80 >> (i % 8))) != 0)
                        bits |= 1 << i;
                }
            }
            info.ThrowIfNotEmpty();
            return new PkiStatus(code, text, bits);
        }

        public string Describe()
        {
            var parts = new List<string>
            {
                Code switch
                {
                    2 => "rejection",
                    3 => "waiting",
                    4 => "revocationWarning",
                    5 => "revocationNotification",
                    var other => $"status {other}",
                },
            };
            if (FailureBits != 0)
                parts.Add("failInfo " + string.Join("+", FailureNames(FailureBits)));
            if (Text is { Length: > 0 })
                parts.Add($"'{Printable(Text)}'");
            return string.Join(", ", parts);
        }

        // A server's text goes into a one-line error: no line breaks or control characters, bounded.
        private static string Printable(string text)
        {
            var builder = new StringBuilder(Math.Min(text.Length, 200));
            foreach (var c in text.Take(200))
                builder.Append(char.IsControl(c) ? ' ' : c);
            return builder.ToString();
        }

        // PKIFailureInfo bit numbers (RFC 3161 2.4.2).
        private static IEnumerable<string> FailureNames(int bits)
        {
            (int Bit, string Name)[] known =
            [
                (0, "badAlg"), (2, "badRequest"), (5, "badDataFormat"), (14, "timeNotAvailable"),
                (15, "unacceptedPolicy"), (16, "unacceptedExtension"), (17, "addInfoNotAvailable"), (25, "systemFailure"),
            ];
            var names = known.Where(k => (bits & (1 << k.Bit)) != 0).Select(k => k.Name).ToList();
            return names.Count > 0 ? names : [$"0x{bits:x}"];
        }
    }
}
