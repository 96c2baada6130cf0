using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace BuildSign.Core.Keys.Remote.Audit;

/// <summary>What a verified audit export holds.</summary>
/// <param name="Records">Record lines in the export.</param>
/// <param name="WithBody">Record lines whose body was included (the rest are other subscribers').</param>
/// <param name="LastHash">The chain hash of the last record.</param>
public sealed record AuditExportSummary(int Records, int WithBody, string LastHash);

/// <summary>
/// Checks an audit export: the signature over the whole export with the service certificate, then the
/// chain from the first record (sequence 1, previous hash zero) to the last: numbering without gaps,
/// each record's previous hash equal to the hash before it, each body hashing to its record's hash.
/// Any edit, deletion, insertion or reordering breaks one of these.
/// </summary>
public static class AuditExportVerifier
{
    /// <summary>Returns a summary when the export verifies; throws <see cref="SigningException"/> naming the first problem (with its line).</summary>
    public static AuditExportSummary Verify(byte[] export, X509Certificate2 serviceCertificate)
    {
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(serviceCertificate);
        var text = export.AsSpan();
        if (text.Length == 0 || text[^1] != (byte)'\n')
        {
            throw new SigningException("the export does not end with a line break: it is truncated");
        }
        var lastLineStart = text[..^1].LastIndexOf((byte)'\n') + 1;
        var trailer = Parse(text[lastLineStart..^1], "the last line");
        if (trailer.Signature is null)
        {
            throw new SigningException("the export's last line is not its signature: the export is truncated or was appended to");
        }
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(trailer.Signature);
        }
        catch (FormatException)
        {
            throw new SigningException("the export's signature is not base64");
        }
        if (!ServiceSignature.Verify(serviceCertificate, text[..lastLineStart], signature))
        {
            throw new SigningException("the export's signature does not verify with the service certificate: the export was changed");
        }

        var previous = AuditChainHash.Genesis;
        long expected = 1;
        var withBody = 0;
        var lines = Encoding.UTF8.GetString(text[..lastLineStart]).Split('\n', StringSplitOptions.None);
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var where = $"line {i + 1}";
            var line = Parse(Encoding.UTF8.GetBytes(lines[i]), where);
            if (line.Sequence != expected)
            {
                throw new SigningException($"{where}: record {line.Sequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} where record {expected} belongs: a record was deleted, inserted or moved");
            }
            if (line.PreviousHash != previous)
            {
                throw new SigningException($"{where}: record {expected} does not follow the record before it (previous hash differs)");
            }
            string bodyHash;
            if (line.Body is not null)
            {
                bodyHash = AuditChainHash.OfBody(line.Body);
                withBody++;
            }
            else
            {
                bodyHash = line.BodyHash ?? throw new SigningException($"{where}: record {expected} has neither body nor body hash");
            }
            string hash;
            try
            {
                hash = AuditChainHash.Link(previous, bodyHash);
            }
            catch (FormatException)
            {
                throw new SigningException($"{where}: record {expected} has a malformed hash");
            }
            if (hash != line.Hash)
            {
                throw new SigningException($"{where}: record {expected} was changed (its hash does not match its content)");
            }
            previous = hash;
            expected++;
        }
        return new AuditExportSummary((int)(expected - 1), withBody, previous);
    }

    private static AuditExportLine Parse(ReadOnlySpan<byte> line, string where)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditExportLine>(line) ?? throw new JsonException("null");
        }
        catch (JsonException)
        {
            throw new SigningException($"{where} of the export is not a JSON audit line");
        }
    }
}
